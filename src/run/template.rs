//! Reports rendered from the templates in `templates/` (minijinja): one layout per file, the figures formatted
//! before they reach it, the escaping chosen by the template's name (HTML for `.html`, none for `.md`).

use crate::error::{Error, Result};

/// Render `template` (named `name`, as in `templates/`) with `view`: blocks take their own line (trim and lstrip
/// blocks), the final newline is kept.
pub fn render(name: &str, template: &str, view: &impl serde::Serialize) -> Result<String> {
    let err = |e: minijinja::Error| Error::Internal(format!("templates/{name}: {e}"));
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(err)?;
    let mut env = minijinja::Environment::new();
    env.set_syntax(syntax);
    env.add_template(name, template).map_err(err)?;
    env.get_template(name).map_err(err)?.render(minijinja::value::Serde(view)).map_err(err)
}
