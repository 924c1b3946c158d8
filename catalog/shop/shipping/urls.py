from django.urls import path

from . import views

app_name = "shipping"
urlpatterns = [path("waybill/<str:order_number>/", views.waybill, name="waybill")]
