"""Every private fundmatch name the web application uses, imported here and nowhere else in ``fundmatch._web``.

The package's internal modules are being reorganised; keeping the private imports in one file means a move
of one of them touches one line here, not the routes. Everything else comes from the public ``fundmatch``
namespace.
"""

from __future__ import annotations

# A budget written as officers write it ("50 000 EUR", "€ 1,5 Mio") in the form's budget field.
from fundmatch._amounts import amount_of, euro_amount

# The one reader of municipalities tables, shared with `fundmatch screen`: delimiters, encodings, header case,
# bad rows with line and reason.
from fundmatch._batch import (
    ERROR_COLUMNS,
    GoodRow,
    ScreenedRows,
    TableHeaderError,
    TextLines,
    output_columns,
    read_table,
    with_extra,
)

# Who may apply: the EU-27 codes, for the country choice of the officer's page.
from fundmatch._countries import EU_MEMBER_STATES

# Country names in the EU's languages (CLDR via Babel), for partners written as names and the country choice.
from fundmatch._country_names import country_from_name, country_label

# The library's own did-you-mean, so that the API suggests what the rule-pack loader would.
from fundmatch._errors import did_you_mean

# The columns `fundmatch screen` writes, so that the web's results CSV is the CLI's.
from fundmatch._frames import SUMMARY_COLUMNS

# The library's reading of a validation error's location: which model holds the key, for its did-you-mean; and
# its words for an idea without any text.
from fundmatch._input_errors import EMPTY_IDEA, empty_idea, model_at

# The title of an idea written as free text: the library's rule (ProjectIdea.from_text).
from fundmatch._inputs import title_from

# The register loaded once per process (cached by file and mtime), and the "Name, CC" lookup `match(place=)` uses.
# `choose_place` is the one ambiguity rule (no candidate within a few points of the best) of match(place=).
from fundmatch._places import PlacesRegister, choose_place, load_register, resolve_place

__all__ = [
    "ERROR_COLUMNS",
    "GoodRow",
    "ScreenedRows",
    "output_columns",
    "with_extra",
    "TableHeaderError",
    "TextLines",
    "read_table",
    "EU_MEMBER_STATES",
    "SUMMARY_COLUMNS",
    "EMPTY_IDEA",
    "empty_idea",
    "amount_of",
    "euro_amount",
    "PlacesRegister",
    "choose_place",
    "country_from_name",
    "country_label",
    "did_you_mean",
    "load_register",
    "model_at",
    "resolve_place",
    "title_from",
]
