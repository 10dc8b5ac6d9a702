"""The live classroom workshop kit: content packs, activities, sessions and the web edge."""
