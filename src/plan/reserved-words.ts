/**
 * Words that cannot be used as an unquoted name on PostgreSQL or on MySQL/MariaDB: the union of
 * PostgreSQL's reserved, type/function-name and column-name keywords (the manual's Appendix C) and
 * the reserved words of MySQL 8.4 and MariaDB 11. A name in this set is always quoted.
 */
const POSTGRESQL = `all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading
limit localtime localtimestamp not null offset on only or order placing primary references returning select
session_user some symmetric system_user table then to trailing true union unique user using variadic when where window
with authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull join left like
natural notnull outer overlaps right similar tablesample verbose between bigint bit boolean char character coalesce dec
decimal exists extract float greatest grouping inout int integer interval json json_array json_arrayagg json_exists
json_object json_objectagg json_query json_scalar json_serialize json_table json_value least merge_action national nchar
none normalize nullif numeric out overlay position precision real row setof smallint substring time timestamp treat
trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
xmlserialize xmltable`;

const MYSQL = `accessible add all alter analyze and as asc asensitive before between bigint binary blob both by call
cascade case change char character check collate column condition constraint continue convert create cross cube
cume_dist current_date current_time current_timestamp current_user cursor database databases day_hour
day_microsecond day_minute day_second dec decimal declare default delayed delete dense_rank desc describe
deterministic distinct distinctrow div double drop dual each else elseif empty enclosed escaped except exists exit
explain false fetch first_value float float4 float8 for force foreign from fulltext function generated get grant
group grouping groups having high_priority hour_microsecond hour_minute hour_second if ignore in index infile inner
inout insensitive insert int int1 int2 int3 int4 int8 integer intersect interval into io_after_gtids
io_before_gtids is iterate join json_table key keys kill lag last_value lateral lead leading leave left like limit
linear lines load localtime localtimestamp lock long longblob longtext loop low_priority manual master_bind
master_ssl_verify_server_cert match maxvalue mediumblob mediumint mediumtext middleint minute_microsecond
minute_second mod modifies natural not no_write_to_binlog nth_value ntile null numeric of on optimize optimizer_costs
option optionally or order out outer outfile over parallel partition percent_rank precision primary procedure purge
qualify range rank read reads read_write real recursive references regexp release rename repeat replace require
resignal restrict return revoke right rlike row row_number rows schema schemas second_microsecond select sensitive
separator set show signal smallint spatial specific sql sqlexception sqlstate sqlwarning sql_big_result
sql_calc_found_rows sql_small_result ssl starting stored straight_join system table terminated then tinyblob tinyint
tinytext to trailing trigger true undo union unique unlock unsigned update usage use using utc_date utc_time
utc_timestamp values varbinary varchar varcharacter varying virtual when where while window with write xor
year_month zerofill current_role delete_domain_id do_domain_ids ignore_domain_ids ignore_server_ids
master_heartbeat_period offset page_checksum parse_vcol_expr position ref_system_id returning slow stats_auto_recalc
stats_persistent stats_sample_pages vector`;

export const RESERVED_WORDS: ReadonlySet<string> = new Set(`${POSTGRESQL} ${MYSQL}`.split(/\s+/).filter(Boolean));
