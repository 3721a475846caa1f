from django.urls import path

from . import views

urlpatterns = [
    path("employers/", views.employer_list_page, name="employer-list-page"),
    path("employers/<int:pk>/", views.employer_detail_page, name="employer-detail-page"),
]
