"""Word lists and templates for `generate_content` (devtools/synthetic.py).

Placeholders are `{name}`, filled in the Markdown text; the result goes through the real
derivation like any article. Body templates cite references 1 to 3; every article has at least 3.
"""

BODY_PARTS = [
    "calf", "foot", "thigh", "hamstring", "neck", "lower back", "upper back", "shoulder", "hand", "forearm",
    "jaw", "toe", "hip", "abdomen", "side", "arch of the foot",
]  # fmt: skip
ACTIVITIES = [
    "running", "cycling", "swimming", "gardening", "a long walk", "climbing stairs", "football", "yoga",
    "a long drive", "desk work", "heavy lifting", "dancing", "tennis", "hiking", "a long flight", "housework",
]  # fmt: skip
GROUPS = [
    "older adults", "endurance athletes", "pregnant women", "people with diabetes", "office workers",
    "teenagers", "manual workers", "people over 65", "new runners", "shift workers", "people on dialysis",
    "people who take several medicines",
]  # fmt: skip
WHEN = [
    "at night", "after exercise", "in hot weather", "first thing in the morning", "while resting",
    "during long meetings", "after a long day on their feet", "in cold weather",
]  # fmt: skip
DRINKS = ["water", "an oral rehydration drink", "diluted fruit juice", "milk", "a sports drink"]
STRETCHES = [
    "a gentle calf stretch against a wall", "pulling the toes up towards the knee", "a slow hamstring stretch",
    "rolling the shoulders back and down", "a standing quadriceps stretch", "tucking the chin and lengthening the neck",
    "a seated forward bend", "a doorway chest stretch",
]  # fmt: skip
ADJECTIVES = ["common", "frequent", "familiar", "widespread", "well known"]
JOURNALS = [
    "Muscle Nerve", "J Am Acad Orthop Surg", "Am Fam Physician", "BMJ", "Lancet Neurol", "Clin J Sport Med",
    "J Clin Neuromuscul Dis", "Neurology", "Cochrane Database Syst Rev", "Br J Gen Pract", "Sports Med",
    "Eur J Neurol", "J Physiol", "Age Ageing", "Obstet Gynecol",
]  # fmt: skip
PUBLISHERS = [
    "Elsevier", "Oxford University Press", "Wiley-Blackwell", "Springer", "Cambridge University Press",
    "Lippincott Williams & Wilkins",
]  # fmt: skip
WEB_SOURCES = [
    "National Library of Medicine", "National Institute of Neurological Disorders and Stroke",
    "NHS inform", "Mayo Clinic", "Cleveland Clinic", "American Academy of Family Physicians",
]  # fmt: skip
SURNAMES = [
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Brennan", "Haddad", "Kowalski", "Ferreira", "Nakamura",
    "Osei", "Petrov", "Quinn", "Rossi", "Schmidt", "Varga", "Walsh", "Yilmaz", "Zhang", "Abbott", "Bianchi",
    "Castillo", "Dubois", "Eriksen", "Fischer", "Gallagher", "Holm", "Ibrahim", "Jensen", "Keller", "Larsen",
]  # fmt: skip
FIRST_NAMES = [
    "Amara", "Bruno", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keira", "Luca",
    "Maya", "Nikhil", "Olga", "Pablo", "Rosa", "Samir", "Tessa", "Viktor", "Wen", "Yara", "Zoe", "Arjun",
]  # fmt: skip
REVIEWER_CREDENTIALS = ["MD", "MD, FACP", "MBBS, MRCP", "MD, FAAN", "MD, FACEP", "DO, FAAFP", "MB ChB, FRCGP"]
WRITER_CREDENTIALS = ["MPH", "RN", "PhD", "MSc", "BSc, RN", "MA", ""]

TOPICS = [
    ("Sports and Exercise", "Training, recovery and the aches and cramps that come with being active."),
    ("Women's Health", "Periods, pregnancy, menopause and the conditions that affect women most."),
    ("Older People's Health", "Staying strong, mobile and independent in later life."),
    ("Heart and Circulation", "The heart, arteries and veins, and what happens when blood flow is poor."),
    ("Kidneys and Bladder", "How the kidneys balance fluid and minerals, and bladder problems."),
    ("Hormones and Metabolism", "Thyroid, diabetes and the chemistry that keeps muscles working."),
    ("Sleep", "Why we sleep, and what disturbs it, from restless legs to night cramps."),
    ("Pain Management", "Treating pain safely, with and without medicines."),
]
CAUSE_GROUPS = [
    ("Common causes", "Everyday reasons a muscle tightens up."),
    ("Neuromuscular conditions", "Problems in the nerves or the muscles themselves."),
    ("Smooth-muscle spasms", "Spasms in the walls of hollow organs and blood vessels."),
    ("Medications and substances", "Medicines and substances that can bring on cramps."),
    ("Other diseases and conditions", "Illnesses where cramps are one symptom among several."),
    ("Lifestyle and environment", "Habits and surroundings that make cramps more likely."),
]
CAUSES = [
    "Heat exhaustion", "Overtraining", "Prolonged standing", "Tight hamstrings", "Flat feet", "Low vitamin D",
    "Hyperventilation", "Restless legs syndrome", "Spinal stenosis", "Sciatica", "Carpal tunnel syndrome",
    "Cervical radiculopathy", "Hypothyroidism", "Hyperthyroidism", "Hypoparathyroidism", "Addison's disease",
    "Chronic fatigue syndrome", "Fibromyalgia", "Myasthenia gravis", "Guillain-Barre syndrome",
    "Motor neurone disease", "Huntington's disease", "Tardive dyskinesia", "Hemifacial spasm", "Blepharospasm",
    "Cervical dystonia", "Torticollis", "Trismus", "Bruxism", "Biliary dyskinesia", "Diverticulitis",
    "Crohn's disease", "Ulcerative colitis", "Endometriosis", "Ovarian cysts", "Interstitial cystitis",
    "Overactive bladder", "Prostatitis", "Achalasia", "Gastroparesis", "Antidepressants", "Lithium",
    "Chemotherapy", "Nicotine withdrawal", "Alcohol withdrawal", "Energy drinks", "Laxative overuse",
    "Sickle cell disease", "Rhabdomyolysis", "McArdle disease", "Hypoglycaemia", "Chronic kidney disease",
    "Heart failure", "Deep vein thrombosis", "Varicose veins", "Long-haul travel", "Cold water swimming",
    "High heels", "Prolonged sitting", "Dehydration after illness",
]  # fmt: skip

TITLES = [
    "{Cause} and muscle cramps",
    "Why {cause} can cause {part} spasms",
    "{Part} cramps {when}: the role of {cause}",
    "Muscle spasms and {cause}: what to know",
    "Living with {cause}: easing {part} spasms",
    "Cramps in the {part} after {activity}",
    "{Cause}: spasms, cramps and when to worry",
    "How {cause} affects the muscles of the {part}",
]
SUMMARIES = [
    "How {cause} can lead to cramps and spasms in the {part}, who is most at risk, and simple steps that help.",
    "{Cause} is a {adjective} reason for {part} spasms {when}. Learn the warning signs and when to see a doctor.",
    "What happens in the muscle when {cause} triggers a spasm, and how {group} can lower their risk.",
    "Cramps after {activity} are often linked to {cause}. This guide explains why, and what eases them.",
]

BODY_TEMPLATES = [
    """Muscle cramps are a {adjective} complaint, and {cause} is one of the reasons they happen. A cramp is a \
sudden, involuntary tightening of a muscle that does not relax on its own. In the {part} it can be painful \
enough to stop {activity} in its tracks [@1].

## What happens in the muscle

A muscle contracts when a nerve tells it to, and relaxes when the signal stops. With {cause}, the nerve \
endings that control the muscle become more excitable, so the signal keeps firing. The result is a hard, \
knotted muscle that may stay tight for a few seconds or for as long as {minutes} minutes [@2].

Cramps linked to {cause} often come {when}. They can also be brought on by {cause2} or by {cause3}, which \
make the same nerve endings easier to trigger.

## Who is most at risk

- {Group} are more likely to notice cramps.
- People who have recently started {activity} or increased how much they do.
- Anyone who has had {cause2} in the past few weeks.

## What helps during a cramp

Stop what you are doing and stretch the muscle slowly. For the {part}, {stretch} usually works within a \
minute. Massaging the muscle and applying warmth afterwards can ease the soreness that follows [@3].

| What to try | When it helps |
| --- | --- |
| Stretching | During the cramp |
| Warmth and massage | Once the cramp has passed |
| Drinking {drink} | If you have been sweating heavily |

## Preventing cramps

Regular, gentle stretching of the {part} before bed or before {activity} lowers the chance of a cramp. Keep \
up your fluids and eat a varied diet. If a medicine you take may be the cause, talk to your pharmacist before \
stopping it.

## When to see a doctor

See a doctor if cramps are frequent, last longer than {minutes} minutes, wake you most nights, or come with \
swelling, redness, weakness or numbness. These can be signs of something other than {cause} that needs \
attention.
""",
    """Spasms of the {part} are uncomfortable but usually harmless. This article explains how {cause} can \
set them off, how {group} are affected, and what you can do about it [@1].

## How spasms start

The muscles of the {part} work hard during {activity}. When {cause} upsets the balance of fluid and \
minerals around the muscle cells, the cells fire more easily and a spasm can follow. About {percent} in \
100 people who see a doctor about cramps have more than one cause, often {cause} together with {cause2} [@2].

## Recognising the pattern

1. The spasm comes on suddenly, often {when}.
2. The muscle feels hard and may visibly bulge.
3. The pain fades over a few minutes, leaving the {part} sore.

## Treatment

Most spasms settle with stretching and rest. {Stretch} is a good first step. Drinking {drink} helps when \
fluid loss is part of the problem. Medicines are rarely needed for occasional cramps, and some, such as \
quinine, are no longer advised because of their side effects [@3].

## Outlook

With a few changes, most people find their spasms become less frequent within {weeks} weeks. If they do \
not, a doctor can look for {cause3} or another condition that needs treating.
""",
    """If you have ever been woken by a cramp in your {part}, you are not alone. {Cause} is one of several \
{adjective} triggers, and it is often easy to put right [@1].

## Symptoms

A cramp caused by {cause} usually feels like a sudden, tight knot. It may come {when}, or after \
{activity}. Some people notice twitching in the {part} for a few days before cramps begin.

## Causes and triggers

Besides {cause}, cramps are more likely with {cause2} and {cause3}. {Group} tend to be affected more often, \
partly because of changes in muscle and nerve function [@2].

## Self-care

- Stretch the {part} gently for {minutes} minutes each evening.
- Drink {drink} through the day, more in hot weather.
- Warm up before {activity} and cool down afterwards.
- Wear supportive shoes if your feet or calves are affected.

## Getting checked

A doctor will ask about your symptoms and medicines, and may suggest a blood test to check minerals such as \
potassium, calcium and magnesium. Treating {cause} usually settles the cramps [@3].
""",
    """This guide is for anyone who gets spasms linked to {cause}. It covers what causes them, how to ease \
them quickly, and the signs that mean you should get medical help [@1].

## The short answer

In short, {cause} makes muscles easier to trigger. Spasms of the {part} are the most {adjective} result, \
especially {when}.

## The longer answer

Muscles rely on a steady supply of fluid, minerals and blood. {Cause} can disturb one or more of these. \
{Cause2} and {cause3} can add to the effect, which is why some people notice spasms only after {activity}, \
when the muscle is tired [@2].

| Factor | Effect on the muscle |
| --- | --- |
| Fluid loss | Nerve endings fire more easily |
| Tiredness | Relaxation is slower |
| Cold | Stiffer, less flexible fibres |

## What you can do

Try {stretch} as soon as a spasm starts, and hold it for about {minutes} seconds at a time. A warm bath or \
shower helps the muscle relax afterwards. Over the next {weeks} weeks, build up {activity} gradually rather \
than all at once [@3].

## Red flags

Get urgent help if a spasm comes with chest pain, trouble breathing, a fever, or a leg that is swollen, hot \
and red.
""",
]

FAQ_TEMPLATES = [
    (
        "Is {cause} dangerous?",
        "Usually not on its own. Spasms linked to {cause} tend to pass in minutes. See a doctor if they keep \
coming back or come with weakness or numbness.",
    ),
    (
        "Can {activity} make cramps worse?",
        "It can, especially if you are not used to it. Build up slowly, warm up first, and stretch the {part} \
afterwards [@1].",
    ),
    (
        "Should I take a supplement for cramps?",
        "Only if a test shows you are low in a mineral. Magnesium supplements have not been shown to prevent \
most cramps in {group} [@2].",
    ),
    (
        "How long do spasms in the {part} last?",
        "Most last from a few seconds to {minutes} minutes. The muscle can feel sore for a day or two after.",
    ),
    (
        "Why do cramps come {when}?",
        "Muscles are often shortened and still for long periods, and fluid levels change. Stretching before \
bed helps many people.",
    ),
    (
        "Does drinking {drink} help?",
        "It helps when fluid loss is part of the problem, such as after heavy sweating. It does little for \
cramps with other causes [@3].",
    ),
    (
        "Can children get spasms from {cause}?",
        "Yes, though it is less common than in adults. Children with frequent cramps should see their doctor.",
    ),
    (
        "When should I see a doctor about {cause}?",
        "If spasms are frequent, severe, or come with swelling, redness, weakness or numbness, or if you \
think a medicine is causing them.",
    ),
]
