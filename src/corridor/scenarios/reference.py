"""Reference data of the Rafah February 2026 scenario: parties, facilities, places, tiers."""

from __future__ import annotations

import datetime

# (code, Arabic, English, kind, country)
PARTIES = [
    ("moh", "وزارة الصحة - دائرة العلاج بالخارج", "Ministry of Health - Referral Abroad Department", "health_ministry", "PS"),
    ("who", "منظمة الصحة العالمية", "World Health Organization", "coordinating_agency", ""),
    ("prcs", "جمعية الهلال الأحمر الفلسطيني", "Palestine Red Crescent Society", "red_crescent", "PS"),
    ("crossing-authority", "سلطة المعبر الأمنية", "Crossing security authority", "crossing_authority", ""),
    ("egypt", "السلطات المصرية", "Egyptian authorities", "neighbouring_state", "EG"),
    ("eubam", "بعثة الاتحاد الأوروبي للمساعدة الحدودية", "EU Border Assistance Mission (EUBAM)", "border_mission", ""),
    ("embassy-cairo", "سفارة دولة فلسطين في القاهرة", "Embassy of the State of Palestine, Cairo", "embassy", "EG"),
    ("recv-egypt", "مصر - وزارة الصحة", "Egypt - Ministry of Health", "receiving_country", "EG"),
    ("recv-uae", "الإمارات العربية المتحدة", "United Arab Emirates", "receiving_country", "AE"),
    ("recv-qatar", "قطر", "Qatar", "receiving_country", "QA"),
    ("recv-jordan", "الأردن", "Jordan", "receiving_country", "JO"),
    ("recv-turkiye", "تركيا", "Türkiye", "receiving_country", "TR"),
    ("recv-italy", "إيطاليا", "Italy", "receiving_country", "IT"),
    ("hosp-arish", "مستشفى العريش العام", "El Arish General Hospital", "receiving_hospital", "EG"),
]  # fmt: skip

RECEIVING_PARTY_CODES = [
    "recv-egypt", "recv-uae", "recv-qatar", "recv-jordan", "recv-turkiye", "recv-italy",
    "hosp-arish",
]  # fmt: skip

# (code, party, Arabic, English, kind, locality)
FACILITIES = [
    ("al-amal-khan-younis", "prcs", "مستشفى الأمل", "Al-Amal Hospital", "hospital", "Khan Younis"),
    ("nasser-khan-younis", "moh", "مجمع ناصر الطبي", "Nasser Medical Complex", "hospital", "Khan Younis"),
    ("european-gaza", "moh", "مستشفى غزة الأوروبي", "European Gaza Hospital", "hospital", "Khan Younis"),
    ("al-shifa-gaza", "moh", "مجمع الشفاء الطبي", "Al-Shifa Medical Complex", "hospital", "Gaza"),
    ("al-aqsa-deir-al-balah", "moh", "مستشفى شهداء الأقصى", "Al-Aqsa Martyrs Hospital", "hospital", "Deir al-Balah"),
    ("kamal-adwan-north", "moh", "مستشفى كمال عدوان", "Kamal Adwan Hospital", "hospital", "Beit Lahia"),
    ("al-quds-prcs-gaza", "prcs", "مستشفى القدس", "Al-Quds Hospital", "hospital", "Gaza"),
    ("arish-returns-point", "egypt", "نقطة تجمع العائدين - العريش", "El Arish returnee assembly point", "assembly_point", "El Arish"),
]  # fmt: skip

# (code, Arabic, English, territory)
GOVERNORATES = [
    ("north-gaza", "شمال غزة", "North Gaza", "gaza"),
    ("gaza", "غزة", "Gaza", "gaza"),
    ("deir-al-balah", "دير البلح", "Deir al-Balah", "gaza"),
    ("khan-younis", "خان يونس", "Khan Younis", "gaza"),
    ("rafah", "رفح", "Rafah", "gaza"),
    ("hebron", "الخليل", "Hebron", "west-bank"),
    ("nablus", "نابلس", "Nablus", "west-bank"),
    ("ramallah", "رام الله والبيرة", "Ramallah and Al-Bireh", "west-bank"),
]  # fmt: skip
GAZA_GOVERNORATE_WEIGHTS = {
    "north-gaza": 0.18, "gaza": 0.32, "deir-al-balah": 0.16, "khan-younis": 0.22, "rafah": 0.12,
}  # fmt: skip

# (code, Arabic, English, rank, FHIR priority)
URGENCY_TIERS = [
    ("critical", "حرجة - إنقاذ حياة", "Critical / life-saving", 1, "stat"),
    ("urgent", "عاجلة", "Urgent", 2, "urgent"),
    ("stable", "مستقرة - مجدولة", "Stable / scheduled", 3, "routine"),
]

CROSSING = {
    "code": "rafah",
    "name_ar": "معبر رفح",
    "name_en": "Rafah crossing",
    "opens_at": datetime.time(9, 0),
    "closes_at": datetime.time(15, 0),
    "routes": [
        {"ar": "رفح إلى مصر (العريش)", "en": "Rafah to Egypt (El Arish)"},
    ],
}
FIRST_DAY = datetime.date(2026, 2, 2)
CALENDAR_DAYS = 28
DAILY_QUOTA = 50
QUOTA_SOURCE = (
    "Reported agreement at reopening, 2 Feb 2026: about 50 people a day each way, "
    "companions counted, at most 2 per patient"
)

ELIGIBILITY_RULE = {
    "code": "gaza-residents-left-after-7-oct-2023",
    "name_ar": "سكان قطاع غزة الذين غادروا في 7 أكتوبر 2023 أو بعده",
    "name_en": "Gaza Strip residents who left on or after 7 October 2023",
    "residence_territory": "gaza",
    "left_on_or_after": datetime.date(2023, 10, 7),
}

RETURNEE_LOCATIONS = [
    ("القاهرة", 0.45), ("الجيزة", 0.15), ("العريش", 0.1), ("الإسكندرية", 0.08),
    ("عمّان", 0.08), ("الدوحة", 0.05), ("إسطنبول", 0.05), ("أبوظبي", 0.04),
]  # fmt: skip

# Clinical categories with their share of the waiting list: about half trauma.
CATEGORY_WEIGHTS = {
    "trauma": 0.50, "cancer": 0.22, "cardiac": 0.07, "renal": 0.06, "congenital": 0.05,
    "neurological": 0.04, "burns": 0.03, "other": 0.03,
}  # fmt: skip
ICD10_BY_CATEGORY = {
    "trauma": ["S72.0", "S82.2", "T07", "S06.5", "S32.8"],
    "cancer": ["C50.9", "C91.0", "C71.9", "C18.9", "C34.9"],
    "cardiac": ["I21.9", "Q21.0", "I50.9"],
    "renal": ["N18.5", "N18.4"],
    "congenital": ["Q20.3", "Q90.9", "Q05.9"],
    "neurological": ["G40.9", "G80.9"],
    "burns": ["T31.3", "T20.3"],
    "other": ["D57.1", "E84.9"],
}
SUMMARY_BY_CATEGORY = {
    "trauma": "Blast injury with open fractures; needs orthopaedic reconstruction unavailable locally.",
    "cancer": "Confirmed malignancy; needs chemotherapy and radiotherapy not available locally.",
    "cardiac": "Cardiac condition needing surgery or catheterisation not available locally.",
    "renal": "End-stage renal disease; dialysis interrupted, needs a stable dialysis centre.",
    "congenital": "Congenital anomaly needing specialised paediatric surgery.",
    "neurological": "Neurological condition needing specialised imaging and treatment.",
    "burns": "Extensive burns needing a specialised burns unit.",
    "other": "Chronic condition needing treatment unavailable locally.",
}  # fmt: skip
