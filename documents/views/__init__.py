"""The documents' screens: `document` (an upload and « Traitement d'un document »), `manage` (« Gérer les
documents » and a dossier's documents)."""
