//! msc runtime: loads, verifies and runs compiled `.ms` artefacts. Links no compiler code.
