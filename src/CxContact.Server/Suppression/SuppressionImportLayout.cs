using CxContact.Core.Suppression;
using CxContact.Server.Jobs;

namespace CxContact.Server.Suppression;

/// <summary>Which column (0-based, -1 for none) holds each field of a suppression import, and how to name a column in an error.</summary>
public sealed class SuppressionImportLayout
{
    public int Phone { get; private init; } = -1;
    public int Email { get; private init; } = -1;
    public int ClientId { get; private init; } = -1;
    public int StartsAt { get; private init; } = -1;
    public int ExpiresAt { get; private init; } = -1;
    public int Source { get; private init; } = -1;
    /// <summary>A change list's add/delete column.</summary>
    public int Action { get; private init; } = -1;
    /// <summary>The area code when a number is split in two columns; <see cref="Phone"/> then holds the other 7 digits.</summary>
    public int AreaCode { get; private init; } = -1;
    public List<string> Warnings { get; } = [];
    private IReadOnlyList<string>? _header;

    /// <summary>The column as the error report names it: its header, or its number when the file has no header row.</summary>
    public string Name(int index) => _header is not null && index < _header.Count && _header[index].Length > 0 ? _header[index] : $"column {index + 1}";

    /// <summary>
    /// Reads the layout from the spec and the header row (null without one); throws <see cref="ImportFailedException"/>.
    /// <paramref name="changes"/>: a change list, whose header's action column is read (elsewhere it is left, with a warning).
    /// </summary>
    public static SuppressionImportLayout Build(SuppressionImportSpec spec, IReadOnlyList<string>? header, int columnCount, bool changes = false)
    {
        SuppressionImportLayout layout;
        if (spec.Columns is { } c)
        {
            int Find(string field, string? source)
            {
                if (string.IsNullOrWhiteSpace(source)) return -1;
                if (header is null)
                    return int.TryParse(source, out var n) && n >= 1 && n <= columnCount ? n - 1
                        : throw new ImportFailedException($"spec.columns.{field} is \"{source}\"; the file has no header row and {columnCount} columns, " +
                            "so give a column number from 1 to " + columnCount);
                for (var i = 0; i < header.Count; i++)
                    if (string.Equals(header[i].Trim(), source.Trim(), StringComparison.OrdinalIgnoreCase)) return i;
                throw new ImportFailedException($"spec.columns.{field} names the column \"{source}\", which the header row does not have " +
                    $"(it has: {string.Join(", ", header)})");
            }
            layout = new SuppressionImportLayout
            {
                Phone = Find("phone", c.Phone), Email = Find("email", c.Email), ClientId = Find("clientId", c.ClientId),
                StartsAt = Find("startsAt", c.StartsAt), ExpiresAt = Find("expiresAt", c.ExpiresAt), Source = Find("source", c.Source),
                Action = Find("action", c.Action), AreaCode = Find("areaCode", c.AreaCode),
            };
        }
        else
        {
            if (header is null) throw new ImportFailedException("the file has no header row, so spec.columns must say which column holds what");
            int phone = -1, email = -1, client = -1, starts = -1, expires = -1, source = -1, action = -1, areaCode = -1;
            var unused = new List<string>();
            for (var i = 0; i < header.Count; i++)
            {
                // "client_id", "clientId" and "Client ID" are the same name.
                switch (header[i].Replace("_", "").Replace("-", "").Replace(" ", "").ToLowerInvariant())
                {
                    case "phone" when phone < 0: phone = i; break;
                    case "email" when email < 0: email = i; break;
                    case "clientid" when client < 0: client = i; break;
                    case "startsat" when starts < 0: starts = i; break;
                    case "expiresat" when expires < 0: expires = i; break;
                    case "source" when source < 0: source = i; break;
                    case "action" or "change" or "changetype" when changes && action < 0: action = i; break;
                    case "areacode" or "npa" when areaCode < 0: areaCode = i; break;
                    default: unused.Add(header[i]); break;
                }
            }
            layout = new SuppressionImportLayout
            {
                Phone = phone, Email = email, ClientId = client, StartsAt = starts, ExpiresAt = expires, Source = source, Action = action, AreaCode = areaCode,
            };
            if (unused.Count > 0)
                layout.Warnings.Add($"these columns were not imported: {string.Join(", ", unused)} (the names read are phone, email, " +
                    "client_id, starts_at, expires_at, source and area_code" + (changes ? ", action" : "") + "; spec.columns maps others)");
        }
        layout._header = header;
        if (layout.AreaCode >= 0 && layout.Phone < 0)
            throw new ImportFailedException($"{layout.Name(layout.AreaCode)} holds area codes, but no column holds the rest of the number; name it phone, or map spec.columns.phone");
        if (layout.Phone < 0 && layout.Email < 0 && layout.ClientId < 0)
            throw new ImportFailedException(columnCount == 1 && header is { Count: 1 } h && h[0].AsSpan().IndexOfAny(",;\t|") >= 0
                ? $"the header row is one column, \"{h[0]}\"; is spec.format.delimiter right?"
                : "no column holds a phone, an email or a client id; name them phone, email or client_id in the header row, or map them in spec.columns");
        return layout;
    }
}
