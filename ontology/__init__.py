"""The atrocity-kg ontology: the one schema (OWL + SKOS + SHACL in Turtle) and its Python model."""

from ontology.errors import AkgError, OntologyError
from ontology.model import AKG, DATA, Model, load_model

__all__ = ["AKG", "DATA", "AkgError", "Model", "OntologyError", "load_model"]
