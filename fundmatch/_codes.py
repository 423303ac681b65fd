"""The controlled vocabularies of fundmatch: the ids a profile, an idea and a rule pack may use.

They are str-valued enums so that pydantic validates them and JSON carries the plain id; before a rule is
evaluated every value is turned back into its plain ``str`` (rule-engine compares a str-Enum as unequal).
"""

from __future__ import annotations

from enum import StrEnum


class _Id(StrEnum):
    pass


class Theme(_Id):
    """What a project is about."""

    MIGRANT_INTEGRATION = "migrant_integration"
    LANGUAGE_LEARNING = "language_learning"
    EMPLOYMENT = "employment"
    SKILLS_TRAINING = "skills_training"
    EDUCATION = "education"
    HOUSING = "housing"
    HEALTH = "health"
    SOCIAL_INCLUSION = "social_inclusion"
    ANTI_DISCRIMINATION = "anti_discrimination"
    CULTURE_SPORT = "culture_sport"
    RURAL_DEVELOPMENT = "rural_development"
    AGRICULTURE_FOOD = "agriculture_food"
    INFRASTRUCTURE = "infrastructure"
    DIGITAL = "digital"
    ENERGY_CLIMATE = "energy_climate"
    TRANSPORT = "transport"
    TOURISM = "tourism"
    BUSINESS_SUPPORT = "business_support"
    RESEARCH_INNOVATION = "research_innovation"
    CAPACITY_BUILDING = "capacity_building"
    CIVIC_PARTICIPATION = "civic_participation"
    CHILDCARE = "childcare"
    ENVIRONMENT_NATURE = "environment_nature"  # nature, biodiversity, environmental protection, green spaces


class TargetGroup(_Id):
    """Who a project is for."""

    THIRD_COUNTRY_NATIONALS = "third_country_nationals"
    REFUGEES = "refugees"
    ASYLUM_SEEKERS = "asylum_seekers"
    UNACCOMPANIED_MINORS = "unaccompanied_minors"
    ROMA = "roma"
    LONG_TERM_UNEMPLOYED = "long_term_unemployed"
    YOUNG_NEET = "young_neet"
    WOMEN = "women"
    OLDER_PEOPLE = "older_people"
    PERSONS_WITH_DISABILITIES = "persons_with_disabilities"
    CHILDREN = "children"
    FARMERS = "farmers"
    SMES = "smes"
    GENERAL_POPULATION = "general_population"
    YOUNG_PEOPLE = "young_people"  # youth in general; NEETs are young_neet
    FAMILIES = "families"  # families, parents, households
    VOLUNTEERS = "volunteers"  # volunteers who take part in or run the project
    PUBLIC_STAFF = "public_staff"  # staff of public administrations (municipal, regional, state)


class Activity(_Id):
    """What a project does."""

    TRAINING = "training"
    LANGUAGE_COURSES = "language_courses"
    COUNSELLING = "counselling"
    JOB_PLACEMENT = "job_placement"
    SOCIAL_SERVICES = "social_services"
    CONSTRUCTION = "construction"
    RENOVATION = "renovation"
    EQUIPMENT = "equipment"
    STUDY = "study"
    NETWORKING = "networking"
    AWARENESS = "awareness"
    EXCHANGE_OF_PRACTICE = "exchange_of_practice"
    PILOT_ACTION = "pilot_action"
    MENTORING = "mentoring"
    EVENTS = "events"  # festivals, fairs, open days, concerts, public celebrations


class OrganisationType(_Id):
    """The kind of body that applies or takes part as a partner."""

    MUNICIPALITY = "municipality"
    ASSOCIATION_OF_MUNICIPALITIES = "association_of_municipalities"
    REGION = "region"
    NGO = "ngo"
    SOCIAL_PARTNER = "social_partner"
    SCHOOL = "school"
    UNIVERSITY = "university"
    BUSINESS = "business"
    LOCAL_ACTION_GROUP = "local_action_group"
    EGTC = "egtc"
    OTHER_PUBLIC_BODY = "other_public_body"


class RegionCategory(_Id):
    """Category of region under CPR Art. 108(2)."""

    LESS_DEVELOPED = "less_developed"
    TRANSITION = "transition"
    MORE_DEVELOPED = "more_developed"


class Fund(_Id):
    """The funds fundmatch knows."""

    AMIF = "AMIF"
    ESF_PLUS = "ESF+"
    ERDF = "ERDF"
    EAFRD = "EAFRD"
    INTERREG = "INTERREG"


class Status(_Id):
    """How a fund stands for an idea: decided by its requirements and exclusions."""

    ELIGIBLE = "eligible"
    UNKNOWN = "unknown"
    INELIGIBLE = "ineligible"


class Outcome(_Id):
    """What one rule found."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class RuleKind(_Id):
    """How a rule acts: requirements must pass, exclusions must not apply, preferences add to the fit score."""

    REQUIREMENT = "requirement"
    EXCLUSION = "exclusion"
    PREFERENCE = "preference"


#: EU-27 Member States (ISO 3166-1 alpha-2; Greece is ``GR`` here and ``EL`` in NUTS codes).
EU_MEMBER_STATES: frozenset[str] = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)

#: Member States that have outermost regions (TFEU Art. 349): only France, Spain and Portugal.
COUNTRIES_WITH_OUTERMOST_REGIONS: frozenset[str] = frozenset({"ES", "FR", "PT"})

#: ISO 3166-1 alpha-2 codes officially assigned (plus ``XK`` for Kosovo, used by the EU for IPA programmes).
ISO_COUNTRIES: frozenset[str] = frozenset(
    [
        "AD",
        "AE",
        "AF",
        "AG",
        "AI",
        "AL",
        "AM",
        "AO",
        "AQ",
        "AR",
        "AS",
        "AT",
        "AU",
        "AW",
        "AX",
        "AZ",
        "BA",
        "BB",
        "BD",
        "BE",
        "BF",
        "BG",
        "BH",
        "BI",
        "BJ",
        "BL",
        "BM",
        "BN",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BT",
        "BV",
        "BW",
        "BY",
        "BZ",
        "CA",
        "CC",
        "CD",
        "CF",
        "CG",
        "CH",
        "CI",
        "CK",
        "CL",
        "CM",
        "CN",
        "CO",
        "CR",
        "CU",
        "CV",
        "CW",
        "CX",
        "CY",
        "CZ",
        "DE",
        "DJ",
        "DK",
        "DM",
        "DO",
        "DZ",
        "EC",
        "EE",
        "EG",
        "EH",
        "ER",
        "ES",
        "ET",
        "FI",
        "FJ",
        "FK",
        "FM",
        "FO",
        "FR",
        "GA",
        "GB",
        "GD",
        "GE",
        "GF",
        "GG",
        "GH",
        "GI",
        "GL",
        "GM",
        "GN",
        "GP",
        "GQ",
        "GR",
        "GS",
        "GT",
        "GU",
        "GW",
        "GY",
        "HK",
        "HM",
        "HN",
        "HR",
        "HT",
        "HU",
        "ID",
        "IE",
        "IL",
        "IM",
        "IN",
        "IO",
        "IQ",
        "IR",
        "IS",
        "IT",
        "JE",
        "JM",
        "JO",
        "JP",
        "KE",
        "KG",
        "KH",
        "KI",
        "KM",
        "KN",
        "KP",
        "KR",
        "KW",
        "KY",
        "KZ",
        "LA",
        "LB",
        "LC",
        "LI",
        "LK",
        "LR",
        "LS",
        "LT",
        "LU",
        "LV",
        "LY",
        "MA",
        "MC",
        "MD",
        "ME",
        "MF",
        "MG",
        "MH",
        "MK",
        "ML",
        "MM",
        "MN",
        "MO",
        "MP",
        "MQ",
        "MR",
        "MS",
        "MT",
        "MU",
        "MV",
        "MW",
        "MX",
        "MY",
        "MZ",
        "NA",
        "NC",
        "NE",
        "NF",
        "NG",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NU",
        "NZ",
        "OM",
        "PA",
        "PE",
        "PF",
        "PG",
        "PH",
        "PK",
        "PL",
        "PM",
        "PN",
        "PR",
        "PS",
        "PT",
        "PW",
        "PY",
        "QA",
        "RE",
        "RO",
        "RS",
        "RU",
        "RW",
        "SA",
        "SB",
        "SC",
        "SD",
        "SE",
        "SG",
        "SH",
        "SI",
        "SJ",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SR",
        "SS",
        "ST",
        "SV",
        "SX",
        "SY",
        "SZ",
        "TC",
        "TD",
        "TF",
        "TG",
        "TH",
        "TJ",
        "TK",
        "TL",
        "TM",
        "TN",
        "TO",
        "TR",
        "TT",
        "TV",
        "TW",
        "TZ",
        "UA",
        "UG",
        "UM",
        "US",
        "UY",
        "UZ",
        "VA",
        "VC",
        "VE",
        "VG",
        "VI",
        "VN",
        "VU",
        "WF",
        "WS",
        "YE",
        "YT",
        "ZA",
        "ZM",
        "ZW",
        "XK",
    ]
)

#: Where Eurostat's NUTS prefix differs from ISO 3166-1 (Greece ``EL``; the United Kingdom ``UK``).
NUTS_PREFIX: dict[str, str] = {"GR": "EL", "GB": "UK"}
