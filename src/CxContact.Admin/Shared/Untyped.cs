using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;

namespace CxContact.Admin.Shared;

/// <summary>Free-form JSON the API returns (a decision's input, an audit entry's detail), back as compact JSON text to show.</summary>
public static class Untyped
{
    public static string Json(UntypedNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, UntypedNode? node)
    {
        switch (node)
        {
            case null or UntypedNull: sb.Append("null"); break;
            case UntypedString s: sb.Append(JsonSerializer.Serialize(s.GetValue())); break;
            case UntypedBoolean b: sb.Append(b.GetValue() ? "true" : "false"); break;
            case UntypedInteger i: sb.Append(i.GetValue().ToString(CultureInfo.InvariantCulture)); break;
            case UntypedLong l: sb.Append(l.GetValue().ToString(CultureInfo.InvariantCulture)); break;
            case UntypedDouble d: sb.Append(d.GetValue().ToString(CultureInfo.InvariantCulture)); break;
            case UntypedFloat f: sb.Append(f.GetValue().ToString(CultureInfo.InvariantCulture)); break;
            case UntypedDecimal m: sb.Append(m.GetValue().ToString(CultureInfo.InvariantCulture)); break;
            case UntypedArray a:
                sb.Append('[');
                var first = true;
                foreach (var item in a.GetValue()) { if (!first) sb.Append(", "); Write(sb, item); first = false; }
                sb.Append(']');
                break;
            case UntypedObject o:
                sb.Append('{');
                var firstKey = true;
                foreach (var (k, v) in o.GetValue()) { if (!firstKey) sb.Append(", "); sb.Append(JsonSerializer.Serialize(k)).Append(": "); Write(sb, v); firstKey = false; }
                sb.Append('}');
                break;
            default: sb.Append(node.ToString()); break;
        }
    }

    /// <summary>One field of a free-form object, as text ("" when absent).</summary>
    public static string Field(UntypedNode? node, string name) =>
        node is UntypedObject o && o.GetValue().TryGetValue(name, out var v) ? v is UntypedString s ? s.GetValue() ?? "" : Json(v) : "";

    /// <summary>A count in a free-form map (a list's counts by zone): Kiota hands JSON numbers over as numbers or Untyped nodes.</summary>
    public static long Count(object? value) => value switch
    {
        null => 0,
        UntypedInteger i => i.GetValue(),
        UntypedLong l => l.GetValue(),
        UntypedDecimal m => (long)m.GetValue(),
        UntypedDouble d => (long)d.GetValue(),
        UntypedString s => long.TryParse(s.GetValue(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
        IConvertible c => c.ToInt64(CultureInfo.InvariantCulture),
        _ => long.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0,
    };
}
