"""The demo company: a realistic organisation written as the real export files of every source."""
