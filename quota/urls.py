from django.urls import path

from . import views

urlpatterns = [
    path("quota/labour-force/", views.labour_force_page, name="quota-labour-force"),
    path("quota/labour-force/<int:pk>/", views.labour_force_detail_page, name="quota-labour-force-detail"),
]
