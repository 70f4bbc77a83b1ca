//! Pieces shared by every pane: top and status bars, error line, help overlay.

pub mod bars;
pub mod columns;
pub mod help;
pub mod overlay;
pub mod table;
