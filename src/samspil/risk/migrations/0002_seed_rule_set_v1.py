"""Seed the national rule set v1 (active). Copied as data, not imported from rules.py, so that
this migration keeps meaning what it meant when written (test_models pins it to RULE_SET_V1)."""

from django.db import migrations

V1 = {
    "version": "v1",
    "counted_roles": ["charged", "involved", "suspect"],
    "extra_counted_roles_by_category": {"domestic_violence": ["victim"]},
    "category_weights": {
        "arson": 0,
        "burglary": 0,
        "child_welfare_concern": 3,
        "domestic_disturbance": 1,
        "domestic_violence": 3,
        "drug_dealing": 1,
        "drug_driving": 2,
        "drug_possession": 1,
        "drunk_driving": 2,
        "forced_admission_assist": 1,
        "mental_health_concern": 1,
        "missing_person": 0,
        "other": 0,
        "public_order": 0,
        "restraining_order_breach": 1,
        "robbery": 2,
        "sexual_offence": 3,
        "stalking": 1,
        "suicide_threat": 2,
        "theft": 0,
        "threats": 1,
        "traffic": 0,
        "vandalism": 0,
        "violence": 2,
        "weapons": 1,
    },
    "caregiver_relations": ["caregiver_of", "parent_of"],
    "window_days": 365,
    "serious_weight": 3,
    "clause_b_min_incidents": 2,
    "clause_b_min_score": 4,
    "reopen_min_new_weight": 2,
    "child_age_limit": 18,
}


def seed(apps, schema_editor):
    RuleSetVersion = apps.get_model("risk", "RuleSetVersion")
    RuleSetVersion.objects.update_or_create(
        version="v1",
        defaults={
            "definition": V1,
            "description": "Socialsøg v1: the weights of the interchange category table.",
            "is_active": True,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("risk", "RuleSetVersion").objects.filter(version="v1", runs=None).delete()


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
