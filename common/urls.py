"""Pages of the common app: reference data and the administrators' user management."""

from django.urls import path

from . import audit_views, policy_views, reference_views, staff_views, views

urlpatterns = [
    path("audit-trail/", audit_views.audit_trail, name="audit-trail"),
    path("audit-trail/verify/", audit_views.audit_trail_verify_page, name="audit-trail-verify"),
    path("regions/", views.region_list, name="region-list-page"),
    path("policy/", policy_views.policy_list_page, name="policy-list-page"),
    path("policy/<int:pk>/", policy_views.policy_detail_page, name="policy-detail-page"),
    path("policy/<int:pk>/text/", policy_views.policy_text_page, name="policy-text-page"),
    *(
        path(f"reference/{kind}/", reference_views.reference_list_page, {"kind": kind}, name=f"reference-{kind}-page")
        for kind in reference_views.REFERENCE_LISTS
    ),
    *(
        path(
            f"reference/{kind}/<str:code>/",
            reference_views.reference_edit_page,
            {"kind": kind},
            name=f"reference-{kind}-edit",
        )
        for kind in reference_views.REFERENCE_LISTS
    ),
    path("staff/users/", staff_views.user_list, name="staff-user-list"),
    path("staff/users/new/", staff_views.user_create_page, name="staff-user-create"),
    path("staff/users/<int:pk>/", staff_views.user_edit_page, name="staff-user-edit"),
    path("staff/users/<int:pk>/deactivate/", staff_views.user_deactivate_page, name="staff-user-deactivate"),
    path("staff/users/<int:pk>/reactivate/", staff_views.user_reactivate_page, name="staff-user-reactivate"),
]
