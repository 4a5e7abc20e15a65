"""What every floor shares and no floor owns: text decoding and formula-safe CSV."""
