from django.urls import path

from . import amendment_views, ledger_views, views

urlpatterns = [
    path("quota/balances/", ledger_views.balances_page, name="quota-balances-page"),
    path("quota/ledger/verify/", ledger_views.ledger_verify_page, name="quota-ledger-verify-page"),
    path("quota/years/<int:year>/close/", ledger_views.quota_year_close_page, name="quota-year-close-page"),
    path("quota/labour-force/", views.labour_force_page, name="labour-force-list-page"),
    path("quota/labour-force/<int:pk>/", views.labour_force_detail_page, name="labour-force-detail-page"),
    path("quota/plans/", views.plan_list_page, name="quota-plan-list-page"),
    path("quota/plans/new/", views.plan_create_page, name="quota-plan-create-page"),
    path("quota/plans/<int:pk>/", views.plan_detail_page, name="quota-plan-detail-page"),
    path("quota/plans/<int:pk>/inputs/", views.plan_inputs_page, name="quota-plan-inputs-page"),
    path("quota/plans/<int:pk>/demand/", views.plan_demand_page, name="quota-plan-demand-page"),
    path("quota/plans/<int:pk>/demand/import/", views.plan_demand_import_page, name="quota-plan-demand-import-page"),
    path("quota/plans/<int:pk>/compute/", views.plan_compute_page, name="quota-plan-compute-page"),
    path("quota/plans/<int:pk>/reserves/", views.plan_reserve_add_page, name="quota-plan-reserve-add-page"),
    path(
        "quota/plans/<int:pk>/reserves/<int:reserve_pk>/remove/",
        views.plan_reserve_remove_page,
        name="quota-plan-reserve-remove-page",
    ),
    path("quota/plans/<int:pk>/caps/", views.plan_cap_add_page, name="quota-plan-cap-add-page"),
    path(
        "quota/plans/<int:pk>/caps/<int:cap_pk>/remove/", views.plan_cap_remove_page, name="quota-plan-cap-remove-page"
    ),
    path("quota/plans/<int:pk>/fix/", views.plan_fix_page, name="quota-plan-fix-page"),
    path("quota/plans/<int:pk>/override/", views.plan_override_page, name="quota-plan-override-page"),
    path(
        "quota/plans/<int:pk>/override/confirm/",
        views.plan_confirm_override_page,
        name="quota-plan-confirm-override-page",
    ),
    path("quota/plans/<int:pk>/propose/", views.plan_propose_page, name="quota-plan-propose-page"),
    path("quota/plans/<int:pk>/approve/", views.plan_approve_page, name="quota-plan-approve-page"),
    path("quota/plans/<int:pk>/return/", views.plan_return_page, name="quota-plan-return-page"),
    path("quota/plans/<int:pk>/history/", views.plan_history_page, name="quota-plan-history-page"),
    path("quota/published/", views.published_page, name="quota-published-page"),
    path("quota/projects/", views.project_list_page, name="quota-project-list-page"),
    path("quota/projects/<int:pk>/", views.project_detail_page, name="quota-project-detail-page"),
    # Amendments of an approved plan (DOMAIN §5)
    path("quota/plans/<int:pk>/amendments/", amendment_views.plan_amendments_page, name="quota-plan-amendments-page"),
    path(
        "quota/plans/<int:pk>/amendments/new/",
        amendment_views.amendment_create_page,
        name="quota-amendment-create-page",
    ),
    path("quota/amendments/<int:pk>/", amendment_views.amendment_detail_page, name="quota-amendment-detail-page"),
    path("quota/amendments/<int:pk>/edit/", amendment_views.amendment_edit_page, name="quota-amendment-edit-page"),
    path(
        "quota/amendments/<int:pk>/override/",
        amendment_views.amendment_override_page,
        name="quota-amendment-override-page",
    ),
    path(
        "quota/amendments/<int:pk>/override/confirm/",
        amendment_views.amendment_confirm_override_page,
        name="quota-amendment-confirm-override-page",
    ),
    path(
        "quota/amendments/<int:pk>/propose/",
        amendment_views.amendment_propose_page,
        name="quota-amendment-propose-page",
    ),
    path(
        "quota/amendments/<int:pk>/approve/",
        amendment_views.amendment_approve_page,
        name="quota-amendment-approve-page",
    ),
    path(
        "quota/amendments/<int:pk>/return/", amendment_views.amendment_return_page, name="quota-amendment-return-page"
    ),
]
