"""newsfacts: raw news articles in, a validated, versioned dataset out."""
