//! Transition tables and rule boundaries over a real SQLite file.
