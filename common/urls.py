"""Pages of the common app: reference data and the administrators' user management."""

from django.urls import path

from . import audit_views, staff_views, views

urlpatterns = [
    path("audit-trail/", audit_views.audit_trail, name="audit-trail"),
    path("audit-trail/verify/", audit_views.audit_trail_verify_page, name="audit-trail-verify"),
    path("regions/", views.region_list, name="region-list-page"),
    path("staff/users/", staff_views.user_list, name="staff-user-list"),
    path("staff/users/new/", staff_views.user_create_page, name="staff-user-create"),
    path("staff/users/<int:pk>/", staff_views.user_edit_page, name="staff-user-edit"),
    path("staff/users/<int:pk>/deactivate/", staff_views.user_deactivate_page, name="staff-user-deactivate"),
    path("staff/users/<int:pk>/reactivate/", staff_views.user_reactivate_page, name="staff-user-reactivate"),
]
