using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Core.Tenancy;
using CxContact.Server.Platform.Storage;
using Npgsql;
using NpgsqlTypes;
using CxContact.Server.Campaigns;

namespace CxContact.Server.CallingList;

/// <summary>
/// The Campaign Manager's preload, as SQL run inside PostgreSQL: contact lists → filters → suppression anti-joins →
/// exhausted attempts → device order and types → local callable window → order → calling-list rows, one chain per
/// contact and one row per device. Rows that are left out are written too, with their reason. The first preload is
/// one INSERT … SELECT; later ones merge, leaving leased and finished rows alone, so they are safe while dialing.
/// </summary>
public sealed class PreloadQuery(NpgsqlDataSource db, CallingListStore callingList, ILogger<PreloadQuery> log)
{
    /// <summary>Reasons a preload writes; a later preload may lift them (a record re-enters when its reason is gone).</summary>
    public static readonly string[] Reasons =
    [
        "no-phone", "filtered", "suppressed-client-id", "suppressed-email", "suppressed-phone", "attempts-exhausted",
        "device-type-disabled", "device-not-in-order", "location-unknown", "no-calling-window", "removed-from-list", "compliance-denied",
    ];

    public sealed record Plan(
        Guid TenantId, Guid CampaignId, CampaignDefinition Definition, IReadOnlyList<string?> ListCountries,
        IReadOnlyList<Guid> SuppressionLists, ComplianceEvaluator Rules, DateTimeOffset Now);

    public async Task<PreloadSummary> RunAsync(Plan plan, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var d = plan.Definition;
        var part = CampaignStore.PartitionName(plan.CampaignId);
        var parameters = new List<NpgsqlParameter>
        {
            new("tenant", plan.TenantId), new("campaign", plan.CampaignId), new("now", plan.Now),
            new("lists", d.ContactLists.Select(l => l.Id).ToArray()),
            new("weights", d.ContactLists.Select(l => (double)l.Weight).ToArray()),
            new("countries", plan.ListCountries.Select(c => c ?? "").ToArray()),
            new("supp", plan.SuppressionLists.ToArray()),
            // An email campaign's devices are the contact's addresses, email1 first; they have no device type.
            new("order", d.Channel == Channel.Email ? [1, 2, 3] : d.DeviceOrder.Select(Core.Lists.StandardFields.PhoneSlot).ToArray()),
            new("types", d.Channel == Channel.Email ? [(short)Core.Phones.DeviceType.Unknown] : d.DeviceTypes.Select(t => (short)t).ToArray()),
            new("maxAttempts", d.MaxAttempts),
            new("refreshable", Reasons),
        };
        var filter = new FilterSql(parameters);
        var select = SelectBody(plan, filter);

        var phases = new List<string>();
        var phase = System.Diagnostics.Stopwatch.StartNew();
        void Phase(string name) { phases.Add($"{name} {phase.Elapsed.TotalSeconds:0.00}s"); phase.Restart(); }

        await using var conn = await db.OpenConnectionAsync(ct);
        await EnsureTheTenantsListsAsync(conn, plan, ct);
        var filled = await Lists.DeviceLocationBackfill.FillAsync(conn, plan.TenantId, d.ContactLists.Select(l => l.Id).ToArray(), ct);
        if (filled > 0) log.LogInformation("Preload of campaign {Campaign}: stored the device locations of {Records} records imported before they were kept", plan.CampaignId, filled);
        await AnalyzeStaleAsync(conn, plan, ct);
        var windows = await WindowsAsync(plan, ct);
        Phase("windows");
        bool incremental;
        await using (var cmd = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(@p))", conn))
        {
            cmd.Parameters.AddWithValue("p", part);
            incremental = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var rows = incremental
            ? await MergeAsync(conn, part, select, parameters, windows, ct)
            : await LoadAsync(conn, part, plan.CampaignId, select, parameters, windows, Phase, ct);
        Phase(incremental ? "merge" : "attach");

        var (reasons, statuses) = await callingList.ReportAsync(plan.CampaignId, ct);
        var callable = statuses.GetValueOrDefault(RecordStatuses.Ready);
        // Fresh statistics, or the first leases plan against an "empty" table.
        await SqlCommands.ExecAsync(conn, null, $"ANALYZE {part}", ct);
        Phase("count and analyze");
        log.LogInformation("Preload of campaign {Campaign}: {Rows} rows ({Mode}), {Callable} ready, in {Seconds:0.0} s ({Phases})",
            plan.CampaignId, rows, incremental ? "incremental" : "full", callable, (DateTimeOffset.UtcNow - started).TotalSeconds, string.Join(", ", phases));
        return new PreloadSummary(started, DateTimeOffset.UtcNow, rows, callable, reasons, incremental, null);
    }

    /// <summary>
    /// The first preload loads a bare table (in slices on parallel sessions when the order allows), indexes it (two
    /// sessions), and attaches it as the campaign's partition in one short transaction. Building indexes once over
    /// the loaded rows is far cheaper than maintaining them row by row, and attaching takes no lock that stops other
    /// campaigns from dialing. Until the attach nothing is visible; on any failure the loading table is dropped.
    /// </summary>
    private async Task<long> LoadAsync(NpgsqlConnection conn, string part, Guid campaignId, SelectParts select, List<NpgsqlParameter> parameters,
        List<Window> windows, Action<string> phase, CancellationToken ct)
    {
        var load = part + "_load";
        await SqlCommands.ExecAsync(conn, null, $"DROP TABLE IF EXISTS {load}; CREATE TABLE {load} (LIKE calling_list INCLUDING DEFAULTS)", ct);
        try
        {
            var slices = select.Sliceable ? LoadSessions : 1;
            var counts = await Task.WhenAll(Enumerable.Range(0, slices).Select(async slice =>
            {
                await using var c = await db.OpenConnectionAsync(ct);
                await using var tx = await c.BeginTransactionAsync(ct);
                await PrepareAsync(c, tx, windows, ct);
                var sliceParameters = parameters.Select(p => p.Clone()).Append(new NpgsqlParameter("slices", slices)).Append(new NpgsqlParameter("slice", slice)).ToList();
                // OFFSET 0 keeps the row subquery from being flattened, so each row's reason is computed once, not per use.
                var n = await SqlCommands.ExecAsync(c, tx, $"""
                    {select.With}
                    INSERT INTO {load} ({Columns})
                    SELECT @tenant, @campaign, nextval('calling_list_record_ids'), {Values}, s.chain_id
                    FROM ({select.Rows(chained: true, sliced: true)} OFFSET 0) s
                    """, sliceParameters, ct);
                await tx.CommitAsync(ct);
                return n;
            }));
            phase("insert");
            await Task.WhenAll(
                IndexAsync($"""
                    CREATE UNIQUE INDEX {part}_pkey ON {load} (campaign_id, record_id);
                    CREATE INDEX {part}_pending ON {load} ((coalesce(dial_sched_time, 0)), dial_order, chain_n) WHERE record_status IN ({RecordStatuses.Ready}, {RecordStatuses.Retrieved})
                    """, ct),
                IndexAsync($"CREATE INDEX {part}_chain ON {load} (chain_id, chain_n); CREATE INDEX {part}_contact ON {load} (contact_id)", ct));
            phase("index");
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                await SqlCommands.ExecAsync(conn, tx, $"""
                    ALTER TABLE {load} ADD CONSTRAINT {part}_pkey PRIMARY KEY USING INDEX {part}_pkey;
                    ALTER TABLE {load} ADD CONSTRAINT {part}_campaign CHECK (campaign_id = '{campaignId}');
                    ALTER TABLE {load} RENAME TO {part};
                    ALTER TABLE calling_list ATTACH PARTITION {part} FOR VALUES IN ('{campaignId}');
                    """, ct);
                await tx.CommitAsync(ct);
            }
            return counts.Sum();
        }
        catch
        {
            await SqlCommands.ExecAsync(conn, null, $"DROP TABLE IF EXISTS {load}", CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Lists loaded moments ago may have no statistics yet, and the plan's estimates come from them: analyze the
    /// partitions never analyzed, or changed by more than a tenth since.
    /// </summary>
    private static async Task AnalyzeStaleAsync(NpgsqlConnection conn, Plan plan, CancellationToken ct)
    {
        var names = plan.SuppressionLists.Select(Suppression.SuppressionListStore.PartitionName)
            .Concat(plan.Definition.ContactLists.Select(l => Lists.ContactListStore.PartitionName(l.Id))).ToArray();
        var stale = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT relname FROM pg_stat_user_tables
            WHERE relname = ANY(@n) AND (coalesce(last_analyze, last_autoanalyze) IS NULL OR n_mod_since_analyze > n_live_tup / 10)
            """, conn))
        {
            cmd.Parameters.AddWithValue("n", names);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) stale.Add(r.GetString(0));
        }
        foreach (var table in stale) await SqlCommands.ExecAsync(conn, null, $"ANALYZE {table}", ct);
    }

    /// <summary>How many sessions load a first preload: one per core of a small database server.</summary>
    private const int LoadSessions = 2;

    private async Task IndexAsync(string sql, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await SqlCommands.ExecAsync(c, null, "SET maintenance_work_mem = '256MB'", ct);
        await SqlCommands.ExecAsync(c, null, sql, ct);
    }

    /// <summary>
    /// A later preload merges in one transaction: rows still ready (or left out for a reason a preload sets) take the
    /// fresh reason and window; new devices come in (an existing contact keeps its chain); devices no longer in the
    /// lists leave as removed-from-list. Leased and finished rows are not touched, so dialing goes on meanwhile.
    /// </summary>
    private static async Task<long> MergeAsync(NpgsqlConnection conn, string part, SelectParts select, List<NpgsqlParameter> parameters,
        List<Window> windows, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        await PrepareAsync(conn, tx, windows, ct);
        await SqlCommands.ExecAsync(conn, tx, $"CREATE TEMP TABLE preload_fresh ON COMMIT DROP AS {select.With} {select.Rows(chained: false, sliced: false)}", parameters, ct);
        await SqlCommands.ExecAsync(conn, tx, "CREATE INDEX ON preload_fresh (contact_id, phone); ANALYZE preload_fresh", ct);
        var rows = await SqlCommands.ExecAsync(conn, tx, $"""
            UPDATE {part} t SET reason = f.reason, record_status = CASE WHEN f.reason IS NULL THEN {RecordStatuses.Ready} ELSE {RecordStatuses.Cancelled} END,
                daily_from = f.daily_from, daily_till = f.daily_till, tz_dbid = nullif(split_part(f.zones, ' ', 1), ''),
                zones = f.zones, country = f.country, region = f.region, phone_region = f.phone_region, area_code = f.area_code,
                client_id = f.client_id, device_type = f.ptype,
                autodial_consent = f.consent, dial_order = f.dial_order, chain_n = f.chain_n
            FROM preload_fresh f
            WHERE t.contact_id = f.contact_id AND t.contact_info = f.phone
              AND (t.record_status = {RecordStatuses.Ready} OR (t.record_status = {RecordStatuses.Cancelled} AND t.reason = ANY(@refreshable)))
            """, parameters, ct);
        rows += await SqlCommands.ExecAsync(conn, tx, $"""
            INSERT INTO {part} ({Columns})
            SELECT @tenant, @campaign, nextval('calling_list_record_ids'), {Values}, coalesce(ch.chain_id, nc.chain_id)
            FROM preload_fresh s
            LEFT JOIN (SELECT DISTINCT ON (contact_id) contact_id, chain_id FROM {part}) ch ON ch.contact_id = s.contact_id
            LEFT JOIN (SELECT x.contact_id, nextval('calling_list_chain_ids') AS chain_id
                       FROM (SELECT DISTINCT contact_id FROM preload_fresh) x
                       WHERE NOT EXISTS (SELECT 1 FROM {part} t WHERE t.contact_id = x.contact_id)) nc ON nc.contact_id = s.contact_id
            WHERE NOT EXISTS (SELECT 1 FROM {part} t WHERE t.contact_id = s.contact_id AND t.contact_info = s.phone)
            """, parameters, ct);
        rows += await SqlCommands.ExecAsync(conn, tx, $"""
            UPDATE {part} t SET record_status = {RecordStatuses.Cancelled}, reason = 'removed-from-list'
            WHERE t.record_status = {RecordStatuses.Ready}
              AND NOT EXISTS (SELECT 1 FROM preload_fresh f WHERE f.contact_id = t.contact_id AND f.phone = t.contact_info)
            """, parameters, ct);
        await tx.CommitAsync(ct);
        return rows;
    }

    /// <summary>Per session: memory for the joins and the ordering window, and the callable windows as a temp table.</summary>
    private static async Task PrepareAsync(NpgsqlConnection conn, NpgsqlTransaction tx, List<Window> windows, CancellationToken ct)
    {
        await SqlCommands.ExecAsync(conn, tx, "SET LOCAL work_mem = '256MB'", ct);
        // Every join here is set against set: a nested loop over the suppression set (which a stale estimate of one row
        // can tempt the planner into) would run for hours. Only the per-contact unnest, which must loop, still does.
        await SqlCommands.ExecAsync(conn, tx, "SET LOCAL enable_nestloop = off", ct);
        await SqlCommands.ExecAsync(conn, tx, """
            CREATE TEMP TABLE preload_windows (zones text, country text, region text, phone_region text, daily_from integer, daily_till integer) ON COMMIT DROP
            """, ct);
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO preload_windows SELECT * FROM unnest(@z::text[], @c::text[], @r::text[], @pr::text[], @f::int[], @t::int[])
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("z", windows.Select(w => w.Zones).ToArray());
            cmd.Parameters.AddWithValue("c", windows.Select(w => w.Country).ToArray());
            cmd.Parameters.AddWithValue("r", windows.Select(w => w.Region).ToArray());
            cmd.Parameters.AddWithValue("pr", windows.Select(w => w.PhoneRegion).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("f", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = windows.Select(w => w.From).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("t", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = windows.Select(w => w.Till).ToArray() });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await SqlCommands.ExecAsync(conn, tx, "ANALYZE preload_windows", ct);
    }

    private const string Columns = """
        tenant_id, campaign_id, record_id, contact_info, contact_info_type, record_status, daily_from, daily_till, tz_dbid,
        chain_n, contact_id, list_id, client_id, country, region, zones, device_type, autodial_consent, dial_order, reason,
        phone_region, area_code, chain_id
        """;

    // Genesys contact_info_type: 1 home phone, 2 direct business phone, 4 mobile, 10 email, 0 none.
    private static readonly string Values = $"""
        s.phone, CASE WHEN position('@' IN s.phone) > 0 THEN 10 ELSE CASE s.ptype WHEN 1 THEN 4 WHEN 2 THEN 1 WHEN 3 THEN 1 WHEN 4 THEN 2 ELSE 0 END END,
        CASE WHEN s.reason IS NULL THEN {RecordStatuses.Ready} ELSE {RecordStatuses.Cancelled} END, s.daily_from, s.daily_till, nullif(split_part(s.zones, ' ', 1), ''),
        s.chain_n, s.contact_id, s.list_id, s.client_id, s.country, s.region, s.zones, s.ptype, s.consent, s.dial_order, s.reason,
        s.phone_region, s.area_code
        """;

    private const string Fresh = """
        c.contact_id, c.list_id, c.client_id, {REGION} AS region, coalesce(d.phone, '') AS phone, coalesce(d.ptype, 0)::smallint AS ptype,
        coalesce(d.zones, '') AS zones, c.dial_order, c.consent, w.daily_from, w.daily_till,
        {COUNTRY} AS country, {REASON} AS reason, {CHAIN_N} AS chain_n, d.region AS phone_region, d.area_code, c.chain_id
        """;

    /// <summary>The suppression CTEs, and one row per device (or per phoneless contact) in the "fresh" shape.</summary>
    private sealed record SelectParts(string With, Func<bool, bool, string> RowsSql, bool Sliceable)
    {
        /// <summary>
        /// Chained: each contact draws a new chain id (first preload); otherwise chain_id is null (merge). Sliced: only
        /// the contacts with source_row % @slices = @slice, for one of the parallel loading sessions.
        /// </summary>
        public string Rows(bool chained, bool sliced) => RowsSql(chained, sliced);
    }

    /// <summary>
    /// The three pieces both paths share: the suppression CTEs, the contact subquery (one row per contact, with its
    /// dial order) and the device expansion with joins and the reason.
    /// </summary>
    private static SelectParts SelectBody(Plan plan, FilterSql filter)
    {
        var d = plan.Definition;
        var hasSupp = plan.SuppressionLists.Count > 0;
        const string active = "(starts_at IS NULL OR starts_at <= @now) AND (expires_at IS NULL OR expires_at > @now)";
        var with = hasSupp ? $"""
            WITH sup_phone AS MATERIALIZED (SELECT DISTINCT value FROM suppression_entries WHERE tenant_id = @tenant AND list_id = ANY(@supp) AND type = 'phone' AND {active}),
                 sup_client AS MATERIALIZED (SELECT DISTINCT value FROM suppression_entries WHERE tenant_id = @tenant AND list_id = ANY(@supp) AND type = 'clientId' AND {active}),
                 sup_email AS MATERIALIZED (SELECT DISTINCT value FROM suppression_entries WHERE tenant_id = @tenant AND list_id = ANY(@supp) AND type = 'email' AND {active})
            """ : "";

        string dialOrder;
        if (d.SortFields.Count == 0 && d.ContactLists.Count == 1) dialOrder = "c.source_row::float8";
        else
        {
            var keys = d.SortFields.Select(s => $"{filter.SortKey(s.Field)} {(s.Descending ? "DESC" : "ASC")} NULLS LAST").Append("c.source_row");
            dialOrder = $"(row_number() OVER (PARTITION BY c.list_id ORDER BY {string.Join(", ", keys)}))::float8 / (@weights)[array_position(@lists, c.list_id)]";
        }
        // Once per contact, against a hashed set (an uncorrelated IN), rather than an index probe per device.
        var emailSuppressed = hasSupp ? "c.email_suppressed" : "false";
        var emailColumn = hasSupp
            ? "cardinality(c.emails) > 0 AND EXISTS (SELECT 1 FROM unnest(c.emails) AS e(v) WHERE e.v IN (SELECT value FROM sup_email)) AS email_suppressed,"
            : "";
        var contacts = $"""
            SELECT c.contact_id, c.list_id, c.client_id, c.region, c.country, c.tz, c.emails, c.attempts, c.phones, c.phone_slots,
                   c.phone_types, c.phone_zones, c.phone_countries, c.phone_regions, c.phone_area_codes, c.first_name, c.last_name, c.company, c.postal_code, c.custom, c.last_result,
                   c.imported_at, c.last_attempt_at, c.source_row,
                   {dialOrder} AS dial_order, CHAIN_ID_EXPR AS chain_id, {emailColumn}
                   CASE WHEN c.custom ? 'consent_autodial_mobile' THEN lower(c.custom ->> 'consent_autodial_mobile') IN ('1', 'true', 'yes', 'y') END AS consent
            FROM contact_records c WHERE c.tenant_id = @tenant AND c.list_id = ANY(@lists) SLICE_CONDITION
            """;

        // LocationPrecedence, over the facts the import stored: the address (or its postal code), else the number's own
        // place, else the list's default country.
        var country = $"coalesce(c.country, d.country, {ListCountry})";
        var region = "coalesce(c.region, d.region)";
        var filterSql = d.Filter is null ? "true" : filter.Build(d.Filter);
        var reason = $"""
            CASE WHEN d.phone IS NULL THEN 'no-phone'
                 WHEN NOT {filterSql} THEN 'filtered'
                 {(hasSupp ? "WHEN sc.value IS NOT NULL THEN 'suppressed-client-id'" : "")}
                 WHEN {emailSuppressed} THEN 'suppressed-email'
                 {(hasSupp ? "WHEN sp.value IS NOT NULL THEN 'suppressed-phone'" : "")}
                 WHEN c.attempts >= @maxAttempts THEN 'attempts-exhausted'
                 WHEN NOT (d.ptype = ANY(@types)) THEN 'device-type-disabled'
                 WHEN array_position(@order, d.slot::int) IS NULL THEN 'device-not-in-order'
                 WHEN w.zones IS NULL THEN 'location-unknown'
                 WHEN w.daily_from IS NULL THEN 'no-calling-window'
            END
            """;
        var chainN = "coalesce(array_position(@order, d.slot::int), 100 + coalesce(d.slot, 0))::smallint";
        var devices = $"""
            LEFT JOIN LATERAL {Devices(d.Channel)} ON true
            LEFT JOIN preload_windows w ON w.zones = coalesce(d.zones, '') AND w.country = coalesce({country}, '') AND w.region = coalesce({region}, '')
                AND w.phone_region = coalesce(d.region, '')
            {(hasSupp ? "LEFT JOIN sup_phone sp ON sp.value = d.phone LEFT JOIN sup_client sc ON sc.value = c.client_id" : "")}
            """;
        var fresh = Fresh.Replace("{COUNTRY}", country).Replace("{REGION}", region).Replace("{REASON}", reason).Replace("{CHAIN_N}", chainN);
        // Slicing by source row is only sound when the dial order needs no window over the whole list.
        var sliceable = !dialOrder.Contains("OVER", StringComparison.Ordinal);
        return new SelectParts(with, (chained, sliced) =>
            $"SELECT {fresh} FROM ({contacts.Replace("CHAIN_ID_EXPR", chained ? "nextval('calling_list_chain_ids')" : "NULL::bigint")
                .Replace("SLICE_CONDITION", sliced ? "AND c.source_row % @slices = @slice" : "")}) c {devices}", sliceable);
    }

    /// <summary>
    /// A contact's devices for the campaign's channel, as d(phone, slot, ptype, zones, country, region, area_code): its
    /// numbers with what the import stored for each, or, for email, its addresses (email1 first), placed by the
    /// contact's tz, else its first phone's zones and country (which the import resolved from the postal code first).
    /// </summary>
    private static string Devices(Channel channel) => channel == Channel.Email
        ? """
          (SELECT e.addr, e.n::smallint, 0::smallint, coalesce(c.tz, c.phone_zones[1]), c.phone_countries[1], c.phone_regions[1], NULL::smallint
           FROM unnest(c.emails) WITH ORDINALITY AS e(addr, n)) AS d(phone, slot, ptype, zones, country, region, area_code)
          """
        : "unnest(c.phones, c.phone_slots, c.phone_types, c.phone_zones, c.phone_countries, c.phone_regions, c.phone_area_codes) AS d(phone, slot, ptype, zones, country, region, area_code)";

    private sealed record Window(string Zones, string Country, string Region, string PhoneRegion, int? From, int? Till);

    private const string ListCountry = "nullif((@countries)[array_position(@lists, c.list_id)], '')";

    /// <summary>
    /// Every contact and suppression list the campaign names is the tenant's, checked once before any
    /// list is read (defence in depth: the campaign grain checked them when they were set).
    /// </summary>
    private static async Task EnsureTheTenantsListsAsync(NpgsqlConnection conn, Plan plan, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT l FROM unnest(@lists) AS l
            WHERE NOT EXISTS (SELECT 1 FROM contact_lists c WHERE c.tenant_id = @t AND c.list_id = l)
            UNION ALL
            SELECT s FROM unnest(@supp) AS s
            WHERE NOT EXISTS (SELECT 1 FROM suppression_lists x WHERE x.tenant_id = @t AND x.list_id = s)
            """, conn);
        cmd.Parameters.AddWithValue("t", plan.TenantId);
        cmd.Parameters.AddWithValue("lists", plan.Definition.ContactLists.Select(l => l.Id).ToArray());
        cmd.Parameters.AddWithValue("supp", plan.SuppressionLists.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (await r.ReadAsync(ct))
            throw new InvalidOperationException($"List {r.GetGuid(0)} is not one of this tenant's lists: the preload reads none of them.");
    }

    /// <summary>
    /// Each distinct (zones, country, region, the number's region) among the lists' devices gets its weekly callable
    /// envelope from the rule set, narrowed by the campaign's own hours. Unknown locations get no row, so the join says "location-unknown".
    /// </summary>
    /// <remarks>
    /// The pass reads the lists by id alone: a tenant predicate here costs the pass 40 % (9 s against 13 s for 1 M
    /// contacts), and <see cref="EnsureTheTenantsListsAsync"/> has checked every list is the tenant's before it runs.
    /// </remarks>
    private async Task<List<Window>> WindowsAsync(Plan plan, CancellationToken ct)
    {
        // The distinct locations need a pass over every device: two sessions, each over half the contacts.
        var halves = await Task.WhenAll(Enumerable.Range(0, LoadSessions).Select(async slice =>
        {
            var found = new List<(string Zones, string Country, string Region, string PhoneRegion)>();
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"""
                SELECT DISTINCT coalesce(d.zones, ''), coalesce(c.country, d.country, {ListCountry}, ''), coalesce(c.region, d.region, ''),
                       coalesce(d.region, '')
                FROM contact_records c CROSS JOIN LATERAL {Devices(plan.Definition.Channel)}
                WHERE c.list_id = ANY(@lists) AND c.source_row % @slices = @slice
                """, conn) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("countries", plan.ListCountries.Select(c => c ?? "").ToArray());
            cmd.Parameters.AddWithValue("lists", plan.Definition.ContactLists.Select(l => l.Id).ToArray());
            cmd.Parameters.AddWithValue("slices", LoadSessions);
            cmd.Parameters.AddWithValue("slice", slice);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) found.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
            return found;
        }));
        var combos = halves.SelectMany(h => h).Distinct().ToList();
        var hours = plan.Definition.CallingHours;
        var list = new List<Window>(combos.Count);
        foreach (var (zones, country, region, phoneRegion) in combos)
        {
            var ids = Core.Geography.ZoneList.Split(zones);
            if (!TenantSettingsRules.IsIsoCountry(country) || ids.Length == 0 || !ids.All(TenantSettingsRules.IsIanaZone)) continue;
            var envelope = plan.Rules.WeeklyEnvelope(country, region.Length == 0 ? null : region, ids, plan.Definition.Channel, plan.Now,
                phoneRegion.Length == 0 ? null : phoneRegion, plan.Definition.Purpose, plan.Definition.DialingMode);
            int? from = envelope?.From, till = envelope?.Till;
            if (hours is not null && from is not null)
            {
                from = Math.Max(from.Value, (int)hours.From.TotalSeconds);
                till = Math.Min(till!.Value, (int)hours.Till.TotalSeconds);
                if (from >= till) from = till = null;
            }
            list.Add(new Window(zones, country, region, phoneRegion, from, till));
        }
        return list;
    }
}
