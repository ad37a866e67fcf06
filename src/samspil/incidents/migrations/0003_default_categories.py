"""Load the incident taxonomy of interchange.md. Administrators may add categories afterwards."""

from django.db import migrations

# Copied here (not imported) so that this migration keeps meaning what it meant when written.
CATEGORIES = (
    ("domestic_violence", "Vold i nære relationer", "Domestic violence", "personfarlig", 3, False),
    ("violence", "Vold", "Violence", "personfarlig", 2, False),
    ("robbery", "Røveri", "Robbery", "personfarlig", 2, False),
    ("sexual_offence", "Seksualforbrydelse", "Sexual offence", "personfarlig", 3, False),
    ("threats", "Trusler", "Threats", "personfarlig", 1, False),
    ("stalking", "Stalking og chikane", "Stalking and harassment", "anden_alvorlig", 1, False),
    ("restraining_order_breach", "Overtrædelse af tilhold/opholdsforbud",
     "Breach of restraining order or area ban", "anden", 1, False),
    ("burglary", "Indbrud", "Burglary", "anden_alvorlig", 0, False),
    ("arson", "Brandstiftelse", "Arson", "anden_alvorlig", 0, False),
    ("weapons", "Våben og knive", "Weapons and knives", "anden_alvorlig", 1, False),
    ("drug_dealing", "Salg af euforiserende stoffer", "Drug dealing", "anden_alvorlig", 1, False),
    ("drug_possession", "Besiddelse af euforiserende stoffer", "Drug possession", "anden", 1,
     False),
    ("theft", "Tyveri", "Theft", "anden", 0, False),
    ("vandalism", "Hærværk", "Vandalism", "anden", 0, False),
    ("drunk_driving", "Spirituskørsel", "Drunk driving", "anden", 2, False),
    ("drug_driving", "Narkokørsel", "Drugged driving", "anden", 2, False),
    ("domestic_disturbance", "Husspektakel", "Domestic disturbance", "none", 1, False),
    ("suicide_threat", "Selvmordstrussel", "Suicide threat", "none", 2, True),
    ("mental_health_concern", "Bekymring for psykisk sårbar person",
     "Concern for a mentally vulnerable person", "none", 1, True),
    ("forced_admission_assist", "Medvirken til tvangsindlæggelse",
     "Assistance with a forced admission", "none", 1, True),
    ("missing_person", "Savnet person", "Missing person", "none", 0, True),
    ("child_welfare_concern", "Bekymring for barn", "Concern for a child", "none", 3, False),
    ("public_order", "Ordensforstyrrelse", "Public disorder", "anden", 0, False),
    ("traffic", "Færdsel", "Traffic", "anden", 0, False),
    ("other", "Andet", "Other", "none", 0, False),
)


def load(apps, schema_editor):
    category = apps.get_model("incidents", "IncidentCategory")
    for code, label_da, label_en, crime_class, weight, psp in CATEGORIES:
        category.objects.update_or_create(
            code=code,
            defaults={"label_da": label_da, "label_en": label_en, "crime_class": crime_class,
                      "risk_weight": weight, "psp": psp},
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
