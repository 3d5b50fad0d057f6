using System.Globalization;
using System.Text;
using CxContact.Core.Phones;
using Npgsql;

namespace CxContact.Server.Lists;

/// <summary>
/// Stores the device facts (country, area code's region, area code) of records that lack them (NULL since migration
/// 0043 added the columns), with the normalizer the import uses. The preload runs it for its lists first, so nothing reads
/// a device's place from anywhere but the stored facts. Once a list is filled it costs one sequential probe of it.
/// </summary>
public static class DeviceLocationBackfill
{
    private const int Batch = 10_000;
    private static readonly PhoneNormalizer Numbers = new();

    public static async Task<long> FillAsync(NpgsqlConnection conn, Guid tenantId, Guid[] lists, CancellationToken ct)
    {
        long filled = 0;
        while (true)
        {
            var ids = new List<Guid>(Batch);
            var countries = new List<string>(Batch);
            var regions = new List<string>(Batch);
            var areaCodes = new List<string>(Batch);
            await using (var cmd = new NpgsqlCommand(
                $"SELECT contact_id, phones FROM contact_records WHERE tenant_id = @t AND list_id = ANY(@l) AND phone_countries IS NULL LIMIT {Batch}", conn))
            {
                cmd.Parameters.AddWithValue("t", tenantId);
                cmd.Parameters.AddWithValue("l", lists);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    ids.Add(r.GetGuid(0));
                    var (c, g, a) = Describe(r.GetFieldValue<string[]>(1));
                    countries.Add(c); regions.Add(g); areaCodes.Add(a);
                }
            }
            if (ids.Count == 0) return filled;
            await using (var cmd = new NpgsqlCommand("""
                UPDATE contact_records c SET phone_countries = u.countries::text[], phone_regions = u.regions::text[], phone_area_codes = u.codes::smallint[]
                FROM unnest(@ids, @countries, @regions, @codes) AS u(id, countries, regions, codes)
                WHERE c.tenant_id = @t AND c.list_id = ANY(@l) AND c.contact_id = u.id AND c.phone_countries IS NULL
                """, conn))
            {
                cmd.Parameters.AddWithValue("t", tenantId);
                cmd.Parameters.AddWithValue("l", lists);
                cmd.Parameters.AddWithValue("ids", ids.ToArray());
                cmd.Parameters.AddWithValue("countries", countries.ToArray());
                cmd.Parameters.AddWithValue("regions", regions.ToArray());
                cmd.Parameters.AddWithValue("codes", areaCodes.ToArray());
                filled += await cmd.ExecuteNonQueryAsync(ct);
            }
        }
    }

    /// <summary>The three arrays as PostgreSQL array literals (sent as text: arrays of arrays would be flattened).</summary>
    private static (string Countries, string Regions, string AreaCodes) Describe(string[] phones)
    {
        StringBuilder c = new("{"), g = new("{"), a = new("{");
        for (var i = 0; i < phones.Length; i++)
        {
            if (i > 0) { c.Append(','); g.Append(','); a.Append(','); }
            // Stored numbers are E.164, so the default country is never used; a number a newer numbering plan no
            // longer accepts keeps no facts (NULL), and the list's default country applies to it.
            var p = Numbers.Normalize(phones[i], "US").Phone;
            c.Append(p is null ? "NULL" : p.Country);
            g.Append(p?.Region ?? "NULL");
            a.Append(p?.AreaCode?.ToString(CultureInfo.InvariantCulture) ?? "NULL");
        }
        return (c.Append('}').ToString(), g.Append('}').ToString(), a.Append('}').ToString());
    }
}
