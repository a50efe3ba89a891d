"""Readers' words for what the articles say: lay and regional terms, brand names, common
misspellings and phrases, added to the editors' synonyms (who keep the list in the admin).

"same": always searched together (the reader's words, or the articles' words). "related": searched
together only when the reader's words alone find fewer than 3 articles (a kind of the thing, or a
thing that often goes with it). A pair an editor already keeps (in any case) is left as it is.
"""

from django.db import migrations
from django.db.models.functions import Lower

SAME, RELATED = "same", "related"

SYNONYMS = [
    # when
    ("nighttime", "night", SAME),
    ("night time", "night", SAME),
    ("nocturnal", "night", SAME),
    ("bedtime", "night", RELATED),
    ("asleep", "sleep", SAME),
    # who
    ("pregnant", "pregnancy", SAME),
    ("expecting a baby", "pregnancy", SAME),
    ("elderly", "older", SAME),
    ("old age", "older", SAME),
    ("seniors", "older", SAME),
    ("diabetic", "diabetes", SAME),
    # exercise and sport
    ("running", "exercise", RELATED),
    ("runner", "exercise", RELATED),
    ("jogging", "exercise", RELATED),
    ("marathon", "exercise", RELATED),
    ("workout", "exercise", SAME),
    ("gym", "exercise", RELATED),
    ("training", "exercise", RELATED),
    ("football", "sport", RELATED),
    ("soccer", "sport", RELATED),
    ("rugby", "sport", RELATED),
    ("tennis", "sport", RELATED),
    ("cycling", "exercise", RELATED),
    ("athlete", "sport", RELATED),
    ("playing sport", "exercise", SAME),
    ("excercise", "exercise", SAME),
    # body parts, as readers name them
    ("calves", "calf", SAME),
    ("eye lid", "eyelid", SAME),
    ("eye lids", "eyelid", SAME),
    ("food pipe", "esophagus", SAME),
    ("oesophagus", "esophagus", SAME),
    ("oesophageal", "esophageal", SAME),
    ("voice box", "larynx", SAME),
    ("gall bladder", "gallbladder", SAME),
    ("tummy ache", "belly pain", SAME),
    ("stomach ache", "belly pain", SAME),
    ("stomachache", "belly pain", SAME),
    ("bellyache", "belly pain", SAME),
    # cramps, spasms, twitches
    ("charlie horse", "charley horse", SAME),
    ("charlie horse", "muscle cramp", SAME),
    ("charley horse", "leg cramp", SAME),
    ("muscle knot", "muscle spasm", SAME),
    ("seized up", "spasm", RELATED),
    ("pulled muscle", "muscle strain", SAME),
    ("strained muscle", "muscle strain", SAME),
    ("muscle pull", "muscle strain", SAME),
    ("crick in the neck", "stiff neck", SAME),
    ("crick", "stiff neck", SAME),
    ("jumping", "twitching", RELATED),
    ("muscle jumping", "muscle twitching", SAME),
    ("eyelid jumping", "eyelid twitching", SAME),
    ("eye jumping", "eyelid twitching", SAME),
    ("eye lid jumping", "eyelid twitching", SAME),
    ("eye twitching", "eyelid twitching", SAME),
    ("eye twitch", "eyelid twitch", SAME),
    ("eye flickering", "eyelid twitching", SAME),
    ("myokymia", "eyelid twitching", SAME),
    ("fasciculations", "twitches", SAME),
    ("eyes closing", "blepharospasm", SAME),
    ("eyes shut", "blepharospasm", RELATED),
    ("twisted neck", "torticollis", SAME),
    ("neck twisting", "torticollis", SAME),
    ("neck twisted", "torticollis", SAME),
    ("neck stuck", "torticollis", RELATED),
    ("spasmodic dysphonia", "laryngeal dystonia", SAME),
    ("voice cracks", "laryngeal dystonia", RELATED),
    ("musicians cramp", "task-specific dystonia", SAME),
    ("hand cramp writing", "writer's cramp", SAME),
    ("spasticity", "spasms", RELATED),
    ("tetany", "low calcium", RELATED),
    ("carpopedal spasm", "low calcium", SAME),
    # breathing
    ("breathing fast", "hyperventilation", SAME),
    ("fast breathing", "hyperventilation", SAME),
    ("overbreathing", "hyperventilation", SAME),
    ("hyperventilating", "hyperventilation", SAME),
    ("breathing fast", "low calcium", RELATED),
    ("hyperventilation", "low calcium", RELATED),
    ("panic attack", "anxiety", RELATED),
    ("short of breath", "breathlessness", SAME),
    ("shortness of breath", "breathlessness", SAME),
    # tetanus
    ("lock jaw", "tetanus", SAME),
    ("locked jaw", "tetanus", SAME),
    ("jaw locked", "tetanus", SAME),
    ("jaw lock", "tetanus", SAME),
    ("stiff jaw", "tetanus", RELATED),
    ("rusty nail", "tetanus", RELATED),
    ("tetanus shot", "tetanus vaccine", SAME),
    ("cut", "wound", RELATED),
    # belly, gut and other hollow organs
    ("diarrhoea", "diarrhea", SAME),
    ("diarrea", "diarrhea", SAME),
    ("diarhea", "diarrhea", SAME),
    ("tummy bug", "stomach bug", SAME),
    ("gastro", "stomach bug", SAME),
    ("stomach flu", "stomach bug", SAME),
    ("ibs", "irritable bowel syndrome", SAME),
    ("gall stones", "gallstones", SAME),
    ("gallbladder attack", "biliary colic", SAME),
    ("gallbladder pain", "biliary colic", SAME),
    ("kidney stones", "renal colic", RELATED),
    ("period pains", "menstrual cramps", SAME),
    ("period cramps", "menstrual cramps", SAME),
    ("dysmenorrhea", "menstrual cramps", SAME),
    ("dysmenorrhoea", "menstrual cramps", SAME),
    ("white fingers", "raynaud's phenomenon", SAME),
    ("fingers white", "raynaud's phenomenon", SAME),
    ("fingers go white", "raynaud's phenomenon", SAME),
    ("heart spasm", "coronary artery spasm", SAME),
    ("angina", "coronary artery spasm", RELATED),
    # painkillers and other treatments
    ("pain killers", "painkillers", SAME),
    ("pain killer", "painkillers", SAME),
    ("pain relief", "painkillers", SAME),
    ("pain relievers", "painkillers", SAME),
    ("analgesics", "painkillers", SAME),
    ("paracetamol", "acetaminophen", SAME),
    ("tylenol", "acetaminophen", SAME),
    ("panadol", "paracetamol", SAME),
    ("calpol", "paracetamol", SAME),
    ("advil", "ibuprofen", SAME),
    ("motrin", "ibuprofen", SAME),
    ("nurofen", "ibuprofen", SAME),
    ("muscle relaxers", "muscle relaxants", SAME),
    ("valium", "muscle relaxants", RELATED),
    ("diazepam", "muscle relaxants", RELATED),
    ("flexeril", "muscle relaxants", RELATED),
    ("cyclobenzaprine", "muscle relaxants", RELATED),
    ("botox", "botulinum toxin", SAME),
    ("physio", "physical therapy", SAME),
    ("physiotherapy", "physical therapy", SAME),
    ("hot water bottle", "heat pack", SAME),
    ("epsom salts", "magnesium", RELATED),
    ("sports drinks", "electrolytes", RELATED),
    # medicines that can cause cramps
    ("fluid tablets", "diuretics", SAME),
    ("lasix", "diuretics", SAME),
    ("furosemide", "diuretics", SAME),
    ("frusemide", "furosemide", SAME),
    ("bendroflumethiazide", "diuretics", SAME),
    ("lipitor", "statins", SAME),
    ("atorvastatin", "statins", SAME),
    ("crestor", "statins", SAME),
    ("rosuvastatin", "statins", SAME),
    ("zocor", "statins", SAME),
    ("simvastatin", "statins", SAME),
    ("cholesterol tablets", "statins", RELATED),
    ("cholesterol medicine", "statins", RELATED),
    ("ventolin", "salbutamol", SAME),
    ("proventil", "albuterol", SAME),
    ("salbutamol", "albuterol", SAME),
    ("blue inhaler", "reliever inhaler", SAME),
    ("asthma inhaler", "reliever inhaler", SAME),
    ("asthma pump", "reliever inhaler", SAME),
    ("puffer", "inhaler", SAME),
    ("lisinopril", "ace inhibitors", SAME),
    ("ramipril", "ace inhibitors", SAME),
    ("enalapril", "ace inhibitors", SAME),
    ("blood pressure pills", "blood pressure medicines", SAME),
    ("blood pressure tablets", "blood pressure medicines", SAME),
    ("steroids", "corticosteroids", SAME),
    ("prednisone", "corticosteroids", SAME),
    ("prednisolone", "corticosteroids", SAME),
    ("contraceptive pill", "birth control pills", SAME),
    ("oral contraceptives", "birth control pills", SAME),
    ("hrt", "hormone therapy", SAME),
    ("anti sickness", "anti-nausea", SAME),
    ("reglan", "metoclopramide", SAME),
    ("maxolon", "metoclopramide", SAME),
    ("stemetil", "prochlorperazine", SAME),
    ("haldol", "haloperidol", SAME),
    ("coffee", "caffeine", RELATED),
    ("energy drinks", "caffeine", RELATED),
    ("booze", "alcohol", SAME),
    # conditions, lay and regional names
    ("motor neurone disease", "als", SAME),
    ("motor neuron disease", "als", SAME),
    ("mnd", "als", SAME),
    ("lou gehrig's disease", "als", SAME),
    ("ms", "multiple sclerosis", SAME),
    ("rls", "restless legs", SAME),
    ("dvt", "blood clot", SAME),
    ("deep vein thrombosis", "blood clot", SAME),
    ("hypo", "low blood sugar", SAME),
    ("hypoglycemia", "low blood sugar", SAME),
    ("hypoglycaemia", "low blood sugar", SAME),
    ("anaemia", "anemia", SAME),
    ("low iron", "iron deficiency", SAME),
    ("underactive thyroid", "thyroid", SAME),
    ("overactive thyroid", "thyroid", SAME),
    ("kidney failure", "kidney disease", SAME),
    ("heatstroke", "heat", RELATED),
    ("heat exhaustion", "heat", RELATED),
    ("overheated", "heat", SAME),
    ("oestrogen", "estrogen", SAME),
    # who to ask
    ("gp", "doctor", SAME),
    ("chemist", "pharmacist", SAME),
    ("casualty", "emergency", RELATED),
]


def add(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    kept = {(w.lower(), s.lower()) for w, s in Synonym.objects.values_list(Lower("words"), Lower("same_as"))}
    Synonym.objects.bulk_create(
        Synonym(words=words, same_as=same_as, kind=kind)
        for words, same_as, kind in SYNONYMS
        if (words.lower(), same_as.lower()) not in kept
    )


def remove(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for words, same_as, kind in SYNONYMS:
        Synonym.objects.filter(words__iexact=words, same_as__iexact=same_as, kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_headings_in_the_index")]

    operations = [migrations.RunPython(add, remove)]
