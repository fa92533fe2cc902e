<#--
  DDL heads, included into Calcite's Parser.jj after parserImpls.ftl: CREATE, DROP, ALTER (other
  than ALTER REPLICA), TRUNCATE and COMMENT are parsed as far as naming the objects they touch;
  the rest of the statement is kept as its original text (LatticeSkipToEnd), so H2's column types
  and options never matter. The same rules as in parserImpls.ftl apply to lookaheads.
-->

/** ALTER {TABLE | INDEX | SEQUENCE | VIEW | SCHEMA} [IF EXISTS] name ... | ALTER other ... */
SqlNode LatticeAlterObjectTail(Span s) :
{
    SqlLatticeDdl.ObjectType type = SqlLatticeDdl.ObjectType.OTHER;
    String keyword = null;
    boolean ifExists = false;
    final List<SqlIdentifier> names = new ArrayList<SqlIdentifier>();
    SqlIdentifier name;
    final String tail;
}
{
    (
        type = LatticeNamedObjectType() { keyword = type.name(); }
        [ LOOKAHEAD(2) <IF> <EXISTS> { ifExists = true; } ]
        name = CompoundIdentifier() { names.add(name); }
    |
        LOOKAHEAD({ GrammarActions.isWord(getToken(1).image) })
        keyword = LatticeOtherObjectType()
    )
    tail = LatticeSkipToEnd()
    {
        return new SqlLatticeDdl(s.end(this), SqlLatticeDdl.Verb.ALTER,
            new ArrayList<String>(), type, keyword, ifExists, false, names, null, null, tail);
    }
}

/** TABLE, INDEX, SEQUENCE, VIEW or SCHEMA. */
SqlLatticeDdl.ObjectType LatticeNamedObjectType() :
{
}
{
    <TABLE> { return SqlLatticeDdl.ObjectType.TABLE; }
|
    <INDEX> { return SqlLatticeDdl.ObjectType.INDEX; }
|
    <SEQUENCE> { return SqlLatticeDdl.ObjectType.SEQUENCE; }
|
    <VIEW> { return SqlLatticeDdl.ObjectType.VIEW; }
|
    <SCHEMA> { return SqlLatticeDdl.ObjectType.SCHEMA; }
}

/** Any other object word (TRIGGER, ALIAS, USER, ALL, ...), upper case; the object is OTHER. */
String LatticeOtherObjectType() :
{
    String word;
}
{
    word = LatticeWord("an object type") { return word.toUpperCase(Locale.ROOT); }
}

/**
 * CREATE [OR REPLACE] [modifiers] {TABLE | VIEW | INDEX | SEQUENCE | SCHEMA | other} head; the
 * rest is kept as text. For CREATE TABLE|VIEW name AS query, the query is parsed when Calcite
 * can read all of it (see LatticeQueryAfterAs); otherwise it stays in the tail.
 */
SqlNode SqlLatticeCreate() :
{
    final Span s;
    final List<String> modifiers = new ArrayList<String>();
    SqlLatticeDdl.ObjectType type = SqlLatticeDdl.ObjectType.OTHER;
    String keyword;
    String word;
    boolean ifNotExists = false;
    final List<SqlIdentifier> names = new ArrayList<SqlIdentifier>();
    SqlIdentifier name;
    SqlIdentifier onTable = null;
    SqlNode query = null;
    final String tail;
}
{
    <CREATE> { s = span(); }
    [ <OR> <REPLACE> { modifiers.add("OR REPLACE"); } ]
    (
        LOOKAHEAD({ GrammarActions.isDdlModifier(getToken(1).image) })
        word = LatticeDdlModifier() { modifiers.add(word); }
    )*
    (
        <INDEX> { type = SqlLatticeDdl.ObjectType.INDEX; keyword = "INDEX"; }
        [ LOOKAHEAD(3) <IF> <NOT> <EXISTS> { ifNotExists = true; } ]
        [
            LOOKAHEAD({ getToken(1).kind != ON })
            name = CompoundIdentifier() { names.add(name); }
        ]
        <ON> onTable = CompoundIdentifier()
    |
        (
            <TABLE> { type = SqlLatticeDdl.ObjectType.TABLE; keyword = "TABLE"; }
        |
            <VIEW> { type = SqlLatticeDdl.ObjectType.VIEW; keyword = "VIEW"; }
        )
        [ LOOKAHEAD(3) <IF> <NOT> <EXISTS> { ifNotExists = true; } ]
        name = CompoundIdentifier() { names.add(name); query = LatticeQueryAfterAs(); }
    |
        (
            <SEQUENCE> { type = SqlLatticeDdl.ObjectType.SEQUENCE; keyword = "SEQUENCE"; }
        |
            <SCHEMA> { type = SqlLatticeDdl.ObjectType.SCHEMA; keyword = "SCHEMA"; }
        )
        [ LOOKAHEAD(3) <IF> <NOT> <EXISTS> { ifNotExists = true; } ]
        name = CompoundIdentifier() { names.add(name); }
    |
        LOOKAHEAD({ GrammarActions.isWord(getToken(1).image) })
        keyword = LatticeOtherObjectType()
    )
    tail = LatticeSkipToEnd()
    {
        return new SqlLatticeDdl(s.end(this), SqlLatticeDdl.Verb.CREATE, modifiers, type,
            keyword, false, ifNotExists, names, onTable, query, tail);
    }
}

/**
 * A word between CREATE and the object keyword (CACHED, LOCAL TEMPORARY, UNIQUE, ...), upper
 * case. A production with tokens rather than LatticeWord: it sits in a loop that SqlStmt's
 * LOOKAHEAD(2) scans, where a JAVACODE call would match without consuming, forever.
 */
String LatticeDdlModifier() :
{
}
{
    ( <IDENTIFIER> | <LOCAL> | <GLOBAL> | <TEMPORARY> | <UNIQUE> )
    { return token.image.toUpperCase(Locale.ROOT); }
}

/** DROP {TABLE | VIEW | INDEX | SEQUENCE | SCHEMA} [IF EXISTS] name [, name]... | DROP other. */
SqlNode SqlLatticeDrop() :
{
    final Span s;
    SqlLatticeDdl.ObjectType type = SqlLatticeDdl.ObjectType.OTHER;
    String keyword;
    boolean ifExists = false;
    final List<SqlIdentifier> names = new ArrayList<SqlIdentifier>();
    SqlIdentifier name;
    final String tail;
}
{
    <DROP> { s = span(); }
    (
        type = LatticeNamedObjectType() { keyword = type.name(); }
        [ LOOKAHEAD(2) <IF> <EXISTS> { ifExists = true; } ]
        name = CompoundIdentifier() { names.add(name); }
        ( <COMMA> name = CompoundIdentifier() { names.add(name); } )*
    |
        LOOKAHEAD({ GrammarActions.isWord(getToken(1).image) })
        keyword = LatticeOtherObjectType()
    )
    tail = LatticeSkipToEnd()
    {
        return new SqlLatticeDdl(s.end(this), SqlLatticeDdl.Verb.DROP, new ArrayList<String>(),
            type, keyword, ifExists, false, names, null, null, tail);
    }
}

/** TRUNCATE [TABLE] name ... */
SqlNode SqlLatticeTruncate() :
{
    final Span s;
    final List<SqlIdentifier> names = new ArrayList<SqlIdentifier>();
    SqlIdentifier name;
    final String tail;
}
{
    <TRUNCATE> { s = span(); } [ <TABLE> ] name = CompoundIdentifier() { names.add(name); }
    tail = LatticeSkipToEnd()
    {
        return new SqlLatticeDdl(s.end(this), SqlLatticeDdl.Verb.TRUNCATE,
            new ArrayList<String>(), SqlLatticeDdl.ObjectType.TABLE, "TABLE", false, false,
            names, null, null, tail);
    }
}

/**
 * COMMENT ON {TABLE | COLUMN | VIEW | ...} name IS '...'; for a column, the table is the name
 * without its last part.
 */
SqlNode SqlLatticeComment() :
{
    final Span s;
    SqlLatticeDdl.ObjectType type = SqlLatticeDdl.ObjectType.OTHER;
    String keyword;
    final List<SqlIdentifier> names = new ArrayList<SqlIdentifier>();
    SqlIdentifier name;
    SqlIdentifier onTable = null;
    final String tail;
}
{
    <COMMENT> { s = span(); } <ON>
    (
        <COLUMN> { type = SqlLatticeDdl.ObjectType.COLUMN; keyword = "COLUMN"; }
    |
        type = LatticeNamedObjectType() { keyword = type.name(); }
    |
        LOOKAHEAD({ GrammarActions.isWord(getToken(1).image) })
        keyword = LatticeOtherObjectType()
    )
    name = CompoundIdentifier() { names.add(name); }
    tail = LatticeSkipToEnd()
    {
        if (type == SqlLatticeDdl.ObjectType.COLUMN && name.names.size() > 1) {
            onTable = name.getComponent(0, name.names.size() - 1);
        }
        return new SqlLatticeDdl(s.end(this), SqlLatticeDdl.Verb.COMMENT,
            new ArrayList<String>(), type, keyword, false, false, names, onTable, null, tail);
    }
}

/**
 * AS query, when Calcite parses the query up to the end of the statement or H2's WITH [NO] DATA;
 * otherwise null, with the parser put back where it was, so the text stays in the DDL's tail.
 * (A syntactic LOOKAHEAD cannot decide this: its scan of Calcite's FROM clause fails.)
 */
JAVACODE SqlNode LatticeQueryAfterAs()
{
    if (getToken(1).kind != AS) {
        return null;
    }
    final Token start = token;
    final int dynamicParams = nDynamicParams;
    try {
        getNextToken();
        final SqlNode query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY);
        final int next = getToken(1).kind;
        if (next == EOF || next == SEMICOLON || next == WITH) {
            return query;
        }
    } catch (ParseException e) {
        // not a query Calcite reads: keep it as text
    } catch (RuntimeException e) {
        // a semantic check of Calcite's failed: keep it as text
    }
    token = start;
    jj_ntk = -1;
    nDynamicParams = dynamicParams;
    return null;
}

/**
 * Skips the rest of a DDL statement, returning its original text: up to a semicolon outside
 * parentheses, or the end. Text the lexer cannot read (H2's $$...$$ source of CREATE ALIAS, a
 * character Calcite has no token for) ends the statement there: the tail is the rest of the
 * text, and the statement is treated as ending with it.
 */
JAVACODE String LatticeSkipToEnd()
{
    Token first = null;
    Token last = null;
    int depth = 0;
    try {
        for (;;) {
            final Token t = getToken(1);
            if (t.kind == EOF || t.kind == SEMICOLON && depth == 0) {
                break;
            }
            if (t.kind == DOLLAR || t.image != null && t.image.startsWith("$$")) {
                return LatticeRestOfText(first == null ? t : first);
            }
            if (t.kind == LPAREN) {
                depth++;
            } else if (t.kind == RPAREN && depth > 0) {
                depth--;
            }
            getNextToken();
            if (first == null) {
                first = t;
            }
            last = t;
        }
    } catch (TokenMgrError e) {
        return LatticeRestOfText(first);
    }
    if (first == null) {
        return "";
    }
    if (originalSql == null) {
        final StringBuilder b = new StringBuilder();
        for (Token t = first; t != last.next; t = t.next) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(t.image);
        }
        return b.toString();
    }
    return GrammarActions.text(originalSql, first.beginLine, first.beginColumn, last.endLine,
        last.endColumn);
}

/**
 * The original text from token {@code from} (or the current position) to the end; the token
 * stream then ends, so the statement ends with this text.
 */
JAVACODE String LatticeRestOfText(Token from)
{
    final String text;
    if (originalSql == null) {
        text = "";
    } else if (from != null) {
        text = GrammarActions.textFrom(originalSql, from.beginLine, from.beginColumn);
    } else {
        text = GrammarActions.textFrom(originalSql, token.endLine, token.endColumn + 1);
    }
    final Token eof = new Token();
    eof.kind = EOF;
    eof.image = "";
    eof.beginLine = eof.endLine = token.endLine;
    eof.beginColumn = eof.endColumn = token.endColumn;
    token.next = eof;
    jj_ntk = -1;
    return text.trim();
}
