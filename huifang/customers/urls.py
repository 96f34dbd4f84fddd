from django.urls import path

from huifang.customers import merge_views, purchase_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/contacts/", views.customer_contacts, name="contacts"),
    path("<int:pk>/preferences/", views.customer_preferences, name="preferences"),
    path("<int:pk>/export/", views.customer_export_one, name="export_one"),
    path("<int:pk>/orders/new/", purchase_views.purchase_create, name="purchase_create"),
    path("<int:pk>/orders/<int:purchase_pk>/", purchase_views.purchase_edit, name="purchase_edit"),
    path("<int:pk>/merge/", merge_views.merge_search, name="merge_search"),
    path("<int:pk>/merge/<int:duplicate_pk>/", merge_views.merge_preview, name="merge_preview"),
    path("settings/", views.archive_settings, name="settings"),
    path("settings/reclassify/", views.reclassify, name="reclassify"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_edit, name="product_create"),
    path("products/<int:pk>/", views.product_edit, name="product_update"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/retry/", views.import_retry, name="import_retry"),
    path("imports/<int:pk>/report/", views.import_report, name="import_report"),
]
