// Runs before any test module is imported: Ink must see a non-CI, colourless environment.
process.env.CI = "false";
process.env.FORCE_COLOR = "0";
