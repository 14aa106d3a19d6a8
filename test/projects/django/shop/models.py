from django.db import models


class Customer(models.Model):
    class Meta:
        db_table = "customers"


class Order(models.Model):
    customer_id = models.BigIntegerField(null=True)
    legacy_status = models.TextField(null=True)

    class Meta:
        db_table = "orders"
