from django.urls import path

from . import views

app_name = "trade"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/new/", views.new_request, name="new-request"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/messages/", views.post_message, name="message"),
    path("requests/<int:pk>/quote/", views.prepare, name="prepare"),
    path("quotes/<int:pk>/accept/", views.accept, name="accept"),
    path("quotes/<int:pk>/<str:action>/", views.quote_action, name="quote-action"),
    path("quotes/<int:pk>/documents/<str:kind>/", views.document, name="document"),
    path("quotes/<int:pk>/documents/<str:kind>/pdf/", views.document, {"pdf": True}, name="document-pdf"),
    path("staff/", views.staff_home, name="staff"),
]
