from django.contrib import admin

from huifang.customers.models import Contact, Customer, Product, Purchase

admin.site.register(Customer)
admin.site.register(Contact)
admin.site.register(Product)
admin.site.register(Purchase)
