"""The places register: every EU municipality (LAU) from Eurostat's LAU–NUTS lists, for lookup by name.

An officer knows the town's name, not its NUTS-3 code or degree of urbanisation. Eurostat publishes one
file a year listing every local administrative unit (LAU) with its NUTS-3 region, population, degree of
urbanisation (DEGURBA) and coastal flag. fundmatch does not ship that file (it is large and changes every
year): ``fundmatch places import FILE`` or ``fundmatch places download`` turns it into a small local cache
(an sqlite file in the user's data folder), and `find_place` looks names up in it, ranked with rapidfuzz.

Every value keeps where it came from (the file, its vintage and NUTS version), and what is known to be shaky
about it is said, never smoothed over: French and Cypriot rows have no population, Portuguese and Irish LAUs
are parishes and electoral divisions rather than municipalities, DEGURBA 9 means unknown, and the 2019 list
carries NUTS 2016 codes, some of which changed in NUTS 2021.

The package follows those jobs, one module each: `model` (a place and its caveats), `names` (folding and search
keys), `lau_files` (reading Eurostat's files), `cache` (the data folder and the sqlite cache), `download`,
`index` (the in-memory search index), `search` (queries such as "Altena, DE") and `profile` (a profile from
a place, each value with its source).
"""

from fundmatch._errors import PlacesError
from fundmatch._places.cache import _LOADED, CACHE_NAME, CACHE_SCHEMA, data_dir, import_register, load_register
from fundmatch._places.download import download_register
from fundmatch._places.index import PlacesRegister
from fundmatch._places.lau_files import EUROSTAT_LAU_FILES
from fundmatch._places.model import Place
from fundmatch._places.profile import profile_from_place
from fundmatch._places.search import AMBIGUITY_MARGIN, choose_place, find_place, resolve_place

# The names the CLI, the public face, the benchmarks and the tests use.
__all__ = [
    "AMBIGUITY_MARGIN",
    "CACHE_NAME",
    "CACHE_SCHEMA",
    "EUROSTAT_LAU_FILES",
    "_LOADED",
    "Place",
    "PlacesError",
    "PlacesRegister",
    "choose_place",
    "data_dir",
    "download_register",
    "find_place",
    "import_register",
    "load_register",
    "profile_from_place",
    "resolve_place",
]
