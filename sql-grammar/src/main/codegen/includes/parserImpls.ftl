<#--
  Lattice's statements (SPEC.md section 3), included into Calcite's Parser.jj.

  A statement is a Lattice statement once its first two tokens match (SET CONSISTENCY,
  SHOW REPLICAS, ALTER REPLICA, ...): from there on, every syntax error is reported through
  GrammarActions.error, i.e. as a LatticeSyntaxException (SQLState 42601) naming what was
  expected. Errors in the other statements (transactions, DDL, queries) stay ordinary parse
  errors, because the router sends a statement it cannot parse on instead of rejecting it.

  SqlStmt tries each statement with a LOOKAHEAD(2) scan. Inside a scan, a JAVACODE production
  (LatticeWord, ...) matches without consuming anything and a loop's semantic lookahead is not
  evaluated, so no JAVACODE call may sit in a loop within a statement's first two tokens; and
  semantic lookaheads read only getToken(), never a production's locals.
-->

/**
 * A statement led by a keyword: Lattice's own (SET CONSISTENCY, SHOW, ALTER REPLICA), SQL
 * transaction control, or the head of a DDL statement.
 */
SqlNode SqlLatticeStatement() :
{
    final SqlNode node;
}
{
    (
        node = SqlLatticeSet()
    |
        node = SqlLatticeShow()
    |
        node = SqlLatticeAlter()
    |
        node = SqlLatticeBegin()
    |
        node = SqlLatticeCommit()
    |
        node = SqlLatticeRollback()
    |
        node = SqlLatticeSavepoint()
    |
        node = SqlLatticeRelease()
    |
        node = SqlLatticeCreate()
    |
        node = SqlLatticeDrop()
    |
        node = SqlLatticeTruncate()
    |
        node = SqlLatticeComment()
    )
    { return node; }
}

/**
 * SET CONSISTENCY ..., SET consistency {= | TO} ..., SET TRANSACTION ...,
 * SET SESSION CHARACTERISTICS AS TRANSACTION ...
 */
SqlNode SqlLatticeSet() :
{
    final Span s;
    final SqlNode node;
}
{
    <SET> { s = span(); }
    (
        <CONSISTENCY> node = LatticeSetConsistencyTail(s)
    |
        <TRANSACTION> node = LatticeSetTransactionTail(s, false)
    |
        LOOKAHEAD({ getToken(1).kind == SESSION && getToken(2).kind == CHARACTERISTICS })
        <SESSION> <CHARACTERISTICS> <AS> <TRANSACTION>
        node = LatticeSetTransactionTail(s, true)
    )
    { return node; }
}

/** Everything of SET CONSISTENCY after the word CONSISTENCY. */
SqlNode LatticeSetConsistencyTail(Span s) :
{
    SqlNode node = null;
    long ms;
    String word;
    ConsistencySpec spec;
}
{
    try {
        (
            <TIMEOUT>
            ms = LatticeCount("a timeout in milliseconds after SET CONSISTENCY TIMEOUT")
            { node = new SqlSetConsistencyTimeout(s.end(this), ms); }
        |
            <FALLBACK>
            word = LatticeWord("PRIMARY or ERROR after SET CONSISTENCY FALLBACK")
            {
                node = new SqlSetConsistencyFallback(s.end(this),
                    GrammarActions.fallback(word, getPos()));
            }
        |
            LOOKAHEAD({ getToken(1).kind == IDENTIFIER
                && "TOKEN".equalsIgnoreCase(getToken(1).image) })
            <IDENTIFIER> <QUOTED_STRING>
            {
                node = new SqlSetConsistencyToken(s.end(this),
                    SqlParserUtil.parseString(token.image));
            }
        |
            ( <EQ> | <TO> )
            (
                <QUOTED_STRING> {
                    spec = GrammarActions.spec(SqlParserUtil.parseString(token.image), getPos());
                }
            |
                spec = LatticeLevelSpec()
            )
            { node = new SqlSetConsistency(s.end(this), spec); }
        |
            spec = LatticeLevelSpec()
            { node = new SqlSetConsistency(s.end(this), spec); }
        )
        LatticeEnd("SET CONSISTENCY")
    } catch (ParseException e) {
        throw GrammarActions.invalid("SET CONSISTENCY", GrammarActions.USAGE_SET_CONSISTENCY,
            LatticeFound(getToken(1)), LatticePos(getToken(1)));
    }
    { return node; }
}

/**
 * A level with its arguments: its words (READ YOUR WRITES = READ_YOUR_WRITES), then
 * BOUNDED_STALENESS's bound and unit or QUORUM's WRITE and READ sizes.
 */
ConsistencySpec LatticeLevelSpec() :
{
    final List<String> words = new ArrayList<String>();
    final SqlParserPos pos;
    String word;
    ConsistencyLevel level;
    long bound = -1;
    String unit = null;
    SqlParserPos unitPos = null;
    long write = -1;
    long read = -1;
}
{
    { pos = LatticePos(getToken(1)); }
    word = LatticeWord("a consistency level (" + GrammarActions.LEVELS + ")") { words.add(word); }
    (
        LOOKAHEAD({ GrammarActions.continuesLevel(words, getToken(1).image) })
        word = LatticeWord("a consistency level") { words.add(word); }
    )*
    { level = GrammarActions.level(words, pos.plus(getPos())); }
    (
        LOOKAHEAD({ getToken(1).kind == UNSIGNED_INTEGER_LITERAL || getToken(1).kind == MINUS })
        { GrammarActions.checkBound(level, LatticePos(getToken(1))); }
        bound = LatticeCount("a staleness bound")
        { unitPos = LatticePos(getToken(1)); }
        unit = LatticeWord("a staleness unit (MS, SECONDS or VERSIONS)")
    |
        [ <WRITE> write = LatticeCount("a write quorum size after WRITE") ]
        [ <READ> read = LatticeCount("a read quorum size after READ") ]
    )
    { return GrammarActions.levelSpec(level, pos, bound, unit, unitPos, write, read); }
}

/** The modes of SET TRANSACTION: at least one. */
SqlNode LatticeSetTransactionTail(Span s, boolean session) :
{
    final Boolean[] readOnly = new Boolean[1];
    final IsolationLevel[] isolation = new IsolationLevel[1];
}
{
    LatticeTransactionMode(readOnly, isolation)
    ( [ <COMMA> ] LatticeTransactionMode(readOnly, isolation) )*
    { return new SqlSetTransaction(s.end(this), readOnly[0], isolation[0], session); }
}

/** READ ONLY | READ WRITE | ISOLATION LEVEL level; a later mode overrides an earlier one. */
void LatticeTransactionMode(Boolean[] readOnly, IsolationLevel[] isolation) :
{
}
{
    <READ>
    (
        <ONLY> { readOnly[0] = Boolean.TRUE; }
    |
        <WRITE> { readOnly[0] = Boolean.FALSE; }
    )
|
    <ISOLATION> <LEVEL>
    (
        <SERIALIZABLE> { isolation[0] = IsolationLevel.SERIALIZABLE; }
    |
        <REPEATABLE> <READ> { isolation[0] = IsolationLevel.REPEATABLE_READ; }
    |
        <READ>
        (
            <COMMITTED> { isolation[0] = IsolationLevel.READ_COMMITTED; }
        |
            <UNCOMMITTED> { isolation[0] = IsolationLevel.READ_UNCOMMITTED; }
        )
    )
}

/** SHOW CONSISTENCY | SHOW REPLICAS | SHOW STATS | SHOW LOCKS. */
SqlNode SqlLatticeShow() :
{
    final Span s;
    final SqlNode node;
}
{
    <SHOW> { s = span(); }
    (
        <CONSISTENCY> { node = new SqlShowConsistency(s.end(this)); }
    |
        <REPLICAS> { node = new SqlShowReplicas(s.end(this)); }
    |
        <STATS> { node = new SqlShowStats(s.end(this)); }
    |
        <LOCKS> { node = new SqlShowLocks(s.end(this)); }
    )
    LatticeEnd("SHOW " + token.image.toUpperCase(Locale.ROOT))
    { return node; }
}

/**
 * ALTER REPLICA name {SET DELAY ms | PAUSE | RESUME}, or the head of ALTER TABLE, SEQUENCE, VIEW,
 * SCHEMA, INDEX or another object. ALTER SYSTEM and ALTER SESSION are left to Calcite.
 */
SqlNode SqlLatticeAlter() :
{
    final Span s;
    final SqlNode node;
}
{
    <ALTER> { s = span(); }
    (
        <REPLICA> node = LatticeAlterReplicaTail(s)
    |
        <CLUSTER> node = LatticeAlterClusterTail(s)
    |
        LOOKAHEAD({ getToken(1).kind != SYSTEM && getToken(1).kind != SESSION
            && GrammarActions.isWord(getToken(1).image) })
        node = LatticeAlterObjectTail(s)
    )
    { return node; }
}

/** ALTER REPLICA after the word REPLICA. */
SqlNode LatticeAlterReplicaTail(Span s) :
{
    SqlIdentifier name = null;
    SqlAlterReplica.Action action = null;
    long delay = 0;
}
{
    try {
        name = SimpleIdentifier()
        (
            <SET> <DELAY>
            delay = LatticeCount("a delay in milliseconds after SET DELAY")
            { action = SqlAlterReplica.Action.SET_DELAY; }
        |
            <PAUSE> { action = SqlAlterReplica.Action.PAUSE; }
        |
            <RESUME> { action = SqlAlterReplica.Action.RESUME; }
        )
        LatticeEnd("ALTER REPLICA")
    } catch (ParseException e) {
        throw GrammarActions.invalid("ALTER REPLICA", GrammarActions.USAGE_ALTER_REPLICA,
            LatticeFound(getToken(1)), LatticePos(getToken(1)));
    }
    { return new SqlAlterReplica(s.end(this), name, action, delay); }
}

/** ALTER CLUSTER after the word CLUSTER: PROMOTE name [FORCE]. */
SqlNode LatticeAlterClusterTail(Span s) :
{
    SqlIdentifier name = null;
    boolean force = false;
}
{
    try {
        <PROMOTE>
        name = SimpleIdentifier()
        [ LOOKAHEAD({ "FORCE".equalsIgnoreCase(getToken(1).image) }) <IDENTIFIER> { force = true; } ]
        LatticeEnd("ALTER CLUSTER")
    } catch (ParseException e) {
        throw GrammarActions.invalid("ALTER CLUSTER", "ALTER CLUSTER PROMOTE <replica> [FORCE]",
            LatticeFound(getToken(1)), LatticePos(getToken(1)));
    }
    { return new SqlAlterCluster(s.end(this), name, force); }
}

/** BEGIN [TRANSACTION | WORK] [modes] | START TRANSACTION [modes]. */
SqlNode SqlLatticeBegin() :
{
    final Span s;
    final Boolean[] readOnly = new Boolean[1];
    final IsolationLevel[] isolation = new IsolationLevel[1];
}
{
    (
        <BEGIN> { s = span(); } [ <TRANSACTION> | <WORK> ]
    |
        <START> { s = span(); } <TRANSACTION>
    )
    [
        LatticeTransactionMode(readOnly, isolation)
        ( [ <COMMA> ] LatticeTransactionMode(readOnly, isolation) )*
    ]
    { return new SqlBeginTransaction(s.end(this), readOnly[0], isolation[0]); }
}

/** COMMIT [WORK | TRANSACTION]. */
SqlNode SqlLatticeCommit() :
{
    final Span s;
}
{
    <COMMIT> { s = span(); } [ <WORK> | <TRANSACTION> ]
    { return new SqlCommit(s.end(this)); }
}

/** ROLLBACK [WORK | TRANSACTION] [TO [SAVEPOINT] name]. */
SqlNode SqlLatticeRollback() :
{
    final Span s;
    SqlIdentifier savepoint = null;
}
{
    <ROLLBACK> { s = span(); } [ <WORK> | <TRANSACTION> ]
    [ <TO> [ <SAVEPOINT> ] savepoint = SimpleIdentifier() ]
    { return new SqlRollback(s.end(this), savepoint); }
}

/** SAVEPOINT name. */
SqlNode SqlLatticeSavepoint() :
{
    final Span s;
    final SqlIdentifier name;
}
{
    <SAVEPOINT> { s = span(); } name = SimpleIdentifier()
    { return new SqlSavepoint(s.end(this), name); }
}

/** RELEASE [SAVEPOINT] name. */
SqlNode SqlLatticeRelease() :
{
    final Span s;
    final SqlIdentifier name;
}
{
    <RELEASE> { s = span(); } [ <SAVEPOINT> ] name = SimpleIdentifier()
    { return new SqlReleaseSavepoint(s.end(this), name); }
}

/** A query, with an optional FOR UPDATE [NOWAIT | SKIP LOCKED]. */
SqlNode SqlLatticeQuery() :
{
    SqlNode query = null;
    SqlSelectForUpdate.WaitPolicy wait = SqlSelectForUpdate.WaitPolicy.WAIT;
    boolean forUpdate = false;
}
{
    (
        LOOKAHEAD({ getToken(1).kind == SELECT || getToken(1).kind == WITH
            || getToken(1).kind == VALUES || getToken(1).kind == TABLE
            || getToken(1).kind == LPAREN })
        { LatticeMarkForUpdate(); }
        query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    |
        // No statement starts with FOR UPDATE. This alternative is here so that SqlStmt's
        // LOOKAHEAD(2) scan fails on the first token of INSERT, UPDATE, ... instead of trying
        // the whole expression grammar on them (which cost ~5 us a statement).
        <FOR_UPDATE> { throw new ParseException("FOR UPDATE must follow a query"); }
    )
    [
        <FOR_UPDATE> { forUpdate = true; }
        [
            <NOWAIT> { wait = SqlSelectForUpdate.WaitPolicy.NOWAIT; }
        |
            <SKIP_> <LOCKED> { wait = SqlSelectForUpdate.WaitPolicy.SKIP_LOCKED; }
        ]
    ]
    {
        if (!forUpdate) {
            return query;
        }
        return new SqlSelectForUpdate(query.getParserPosition().plus(getPos()), query, wait);
    }
}

/**
 * Joins the tokens FOR UPDATE that follow the query outside parentheses into one FOR_UPDATE
 * token, before the query is parsed: otherwise the FOR after "FROM t" starts Calcite's
 * "FOR SYSTEM_TIME AS OF" clause and the parse fails on UPDATE. (A lexer token with a pattern,
 * "FOR" (whitespace)+ "UPDATE", does this too, but makes every statement's lexing ~15% slower.)
 */
JAVACODE void LatticeMarkForUpdate()
{
    int depth = 0;
    Token t = token;
    for (;;) {
        if (t.next == null) {
            t.next = token_source.getNextToken();
        }
        t = t.next;
        if (t.kind == EOF || t.kind == SEMICOLON && depth == 0) {
            return;
        }
        if (t.kind == LPAREN) {
            depth++;
        } else if (t.kind == RPAREN) {
            depth--;
        } else if (t.kind == FOR && depth == 0) {
            if (t.next == null) {
                t.next = token_source.getNextToken();
            }
            final Token update = t.next;
            if (update.kind == UPDATE) {
                t.kind = FOR_UPDATE;
                t.image = "FOR UPDATE";
                t.endLine = update.endLine;
                t.endColumn = update.endColumn;
                t.next = update.next;
                jj_ntk = -1;
                return;
            }
        }
    }
}

/** Reads an unquoted word (identifier or keyword) or fails naming what was expected. */
JAVACODE String LatticeWord(String expected)
{
    final Token t = getToken(1);
    if (t.kind == EOF || !GrammarActions.isWord(t.image)) {
        throw GrammarActions.expected(expected, LatticeFound(t), LatticePos(t));
    }
    return getNextToken().image;
}

/** Reads a non-negative integer, rejecting "-n" with a message. */
JAVACODE long LatticeCount(String what)
{
    final Token t = getToken(1);
    if (t.kind == MINUS && getToken(2).kind == UNSIGNED_INTEGER_LITERAL) {
        throw GrammarActions.negative(what, "-" + getToken(2).image, LatticePos(t));
    }
    if (t.kind != UNSIGNED_INTEGER_LITERAL) {
        throw GrammarActions.expected(what + " (a non-negative integer)", LatticeFound(t),
            LatticePos(t));
    }
    getNextToken();
    return GrammarActions.count(t.image, what, LatticePos(t));
}

/** Fails unless the statement ends here. */
JAVACODE void LatticeEnd(String statement)
{
    final Token t = getToken(1);
    if (t.kind != EOF && t.kind != SEMICOLON) {
        throw GrammarActions.unexpected(t.image, statement, LatticePos(t));
    }
}

/** The text of a token for a message, or null for the end of the statement. */
JAVACODE String LatticeFound(Token t)
{
    return t.kind == EOF ? null : t.image;
}

JAVACODE SqlParserPos LatticePos(Token t)
{
    return new SqlParserPos(t.beginLine, t.beginColumn, t.endLine, t.endColumn);
}
