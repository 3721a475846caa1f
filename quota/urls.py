from django.urls import path

from . import ledger_views, views

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
]
