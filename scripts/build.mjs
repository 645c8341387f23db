// Placeholder until the bundler lands: see src/build.
