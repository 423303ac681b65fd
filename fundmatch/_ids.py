"""The controlled vocabularies of fundmatch: the ids a profile, an idea and a rule pack may use.

They are str-valued enums so that pydantic validates them and JSON carries the plain id; before a rule is
evaluated every value is turned back into its plain ``str`` (rule-engine compares a str-Enum as unequal).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field


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
    MATERIAL_DEPRIVATION = "material_deprivation"
    # Sectors the ERDF may not support (Regulation (EU) 2021/1058 Art. 7(1)): named so that the exclusions can fail.
    TOBACCO = "tobacco"  # tobacco and tobacco products (growing, processing, selling; prevention is health too)
    AIRPORT = "airport"  # airports, airfields, runways
    LANDFILL = "landfill"  # landfill sites and waste dumps
    FOSSIL_FUELS = "fossil_fuels"  # fossil-fuel equipment: diesel or petrol vehicles, fuel stations, oil heating


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
    CROSS_BORDER_BODY = "cross_border_body"
    OTHER_PUBLIC_BODY = "other_public_body"


class RegionCategory(_Id):
    """Category of region under CPR Art. 108(2)."""

    LESS_DEVELOPED = "less_developed"
    TRANSITION = "transition"
    MORE_DEVELOPED = "more_developed"


class Fund(_Id):
    """The funds fundmatch ships (a period's ``period.yaml`` and packs may declare others)."""

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


#: What a fund id looks like: upper case, as ``period.yaml`` and the packs write it (``ESF+``, ``INTERREG``).
FUND_ID = re.compile(r"^[A-Z][A-Z0-9+_-]*$")


def _shipped_fund(value: Any) -> Any:
    # A shipped fund comes back as its `Fund` member, so `.value` and comparisons with `Fund` keep working; a
    # fund that a user's folder declares stays a plain str.
    if isinstance(value, str) and not isinstance(value, Fund) and value in Fund._value2member_map_:
        return Fund(value)
    return value


#: A fund id declared by a period's data.
FundId = Annotated[str, Field(pattern=FUND_ID.pattern), AfterValidator(_shipped_fund)]


class RouteStatus(_Id):
    """How a way into a fund stands: open, not decided yet, or closed for this case."""

    OPEN = "open"
    MAYBE = "maybe"
    CLOSED = "closed"


# How the ids read in a sentence for an officer. An id not listed reads as its words ("pilot_action" → "pilot
# action"), so a new id is never shown raw; only ids whose words mislead or abbreviate are listed.
_LABELS: dict[str, str] = {
    "young_neet": "young people not in employment, education or training (NEETs)",
    "third_country_nationals": "third-country nationals",
    "long_term_unemployed": "long-term unemployed people",
    "smes": "small and medium-sized enterprises (SMEs)",
    "ngo": "NGO",
    "egtc": "EGTC (European grouping of territorial cooperation)",
    "culture_sport": "culture and sport",
    "agriculture_food": "agriculture and food",
    "energy_climate": "energy and climate",
    "research_innovation": "research and innovation",
    "anti_discrimination": "anti-discrimination",
    "general_population": "the general population",
    "other_public_body": "other public body",
}

#: Every id of the controlled vocabularies, which `label` turns into words (other text is left as it is).
_VOCABULARY_IDS: frozenset[str] = frozenset(
    member.value for enum in (Theme, TargetGroup, Activity, OrganisationType, RegionCategory) for member in enum
)


def label(value: str) -> str:
    """An id of the controlled vocabularies in words (``young_neet`` → "young people not in employment…");
    any other text unchanged."""
    if value in _LABELS:
        return _LABELS[value]
    if value in _VOCABULARY_IDS or ("_" in value and value.islower() and value.replace("_", "").isalpha()):
        return value.replace("_", " ")
    return value
