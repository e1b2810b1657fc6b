"""Dutch language: the analysis chain, stemmer, compounds, places and parliament names."""
