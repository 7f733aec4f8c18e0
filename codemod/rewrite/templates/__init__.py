"""Source templates the rewrites copy into users' files (the codemod reads them as text)."""
