from django.contrib import admin

from corridor.admin_actions import CorridorAdmin
from corridor.people.models import Governorate, Person


@admin.register(Governorate)
class GovernorateAdmin(CorridorAdmin):
    list_display = ["code", "name_en", "name_ar", "territory"]


@admin.register(Person)
class PersonAdmin(CorridorAdmin):
    exclude = ["phone"]
    list_display = ["__str__", "name_latin", "date_of_birth", "sex", "national_id"]
    list_filter = ["sex", "residence"]
    search_fields = ["national_id", "family_name_ar", "given_name_ar", "name_latin"]
    readonly_fields = ["created_at"]
