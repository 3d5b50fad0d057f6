using System.Text.Json;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// What a client generated from the old document would break on in the new one: a removed path or operation, a
/// newly required parameter or request field, a removed response field, or a changed type. Additions (a new path, an
/// optional field, a new response field) are not breaking. $refs are followed on both sides.
/// </summary>
public sealed class OpenApiBreakingChanges
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    private readonly JsonElement _old, _new;
    private readonly List<string> _found = [];
    private readonly HashSet<(string, string, bool)> _seen = [];

    private OpenApiBreakingChanges(JsonElement oldDoc, JsonElement newDoc) => (_old, _new) = (oldDoc, newDoc);

    public static IReadOnlyList<string> Find(JsonElement oldDoc, JsonElement newDoc)
    {
        var c = new OpenApiBreakingChanges(oldDoc, newDoc);
        c.Compare();
        return c._found;
    }

    private void Compare()
    {
        var newPaths = _new.GetProperty("paths");
        foreach (var path in _old.GetProperty("paths").EnumerateObject())
        {
            if (!newPaths.TryGetProperty(path.Name, out var now)) { _found.Add($"path {path.Name} was removed"); continue; }
            foreach (var method in Methods)
            {
                if (!path.Value.TryGetProperty(method, out var before)) continue;
                var where = $"{method.ToUpperInvariant()} {path.Name}";
                if (!now.TryGetProperty(method, out var after)) { _found.Add($"{where} was removed"); continue; }
                Parameters(where, before, after);
                RequestBody(where, before, after);
                Responses(where, before, after);
            }
        }
    }

    private void Parameters(string where, JsonElement before, JsonElement after)
    {
        var old = Params(before);
        foreach (var (key, p) in Params(after))
        {
            var required = p.TryGetProperty("required", out var r) && r.GetBoolean();
            if (!old.TryGetValue(key, out var was))
            {
                if (required) _found.Add($"{where}: new required parameter {key}");
                continue;
            }
            if (required && !(was.TryGetProperty("required", out var wr) && wr.GetBoolean())) _found.Add($"{where}: parameter {key} is now required");
            if (was.TryGetProperty("schema", out var ws) && p.TryGetProperty("schema", out var ns)) Schema($"{where}: parameter {key}", ws, ns, request: true);
        }
    }

    private static Dictionary<string, JsonElement> Params(JsonElement op) =>
        op.TryGetProperty("parameters", out var ps)
            ? ps.EnumerateArray().ToDictionary(p => $"{p.GetProperty("in").GetString()}:{p.GetProperty("name").GetString()}")
            : [];

    private void RequestBody(string where, JsonElement before, JsonElement after)
    {
        if (!after.TryGetProperty("requestBody", out var nb)) return;
        var nowRequired = nb.TryGetProperty("required", out var r) && r.GetBoolean();
        if (!before.TryGetProperty("requestBody", out var ob))
        {
            if (nowRequired) _found.Add($"{where}: a request body is now required");
            return;
        }
        foreach (var (type, ns) in Media(nb))
            if (Media(ob).TryGetValue(type, out var os)) Schema($"{where}: request {type}", os, ns, request: true);
    }

    private void Responses(string where, JsonElement before, JsonElement after)
    {
        if (!before.TryGetProperty("responses", out var or) || !after.TryGetProperty("responses", out var nr)) return;
        foreach (var status in or.EnumerateObject().Where(s => s.Name.StartsWith('2')))
        {
            if (!nr.TryGetProperty(status.Name, out var now)) { _found.Add($"{where}: response {status.Name} was removed"); continue; }
            foreach (var (type, os) in Media(status.Value))
            {
                if (!Media(now).TryGetValue(type, out var ns)) { _found.Add($"{where}: response {status.Name} no longer has {type}"); continue; }
                Schema($"{where}: response {status.Name}", os, ns, request: false);
            }
        }
    }

    private static Dictionary<string, JsonElement> Media(JsonElement holder) =>
        holder.TryGetProperty("content", out var c)
            ? c.EnumerateObject().Where(m => m.Value.TryGetProperty("schema", out _)).ToDictionary(m => m.Name, m => m.Value.GetProperty("schema"))
            : [];

    /// <summary>
    /// One schema against its successor. In a request, a field that becomes required breaks callers; in a response, a
    /// field that disappears does. A changed type breaks both.
    /// </summary>
    private void Schema(string where, JsonElement before, JsonElement after, bool request)
    {
        var (o, oRef) = Resolve(_old, before);
        var (n, nRef) = Resolve(_new, after);
        if (oRef is not null && !_seen.Add((oRef, nRef ?? "", request))) return; // a recursive schema, already compared here

        var ot = Types(o);
        var nt = Types(n);
        if (ot.Count > 0 && nt.Count > 0 && !ot.SetEquals(nt))
        {
            _found.Add($"{where}: type changed from {string.Join('|', ot.Order())} to {string.Join('|', nt.Order())}");
            return;
        }
        if (o.TryGetProperty("items", out var oi) && n.TryGetProperty("items", out var ni)) Schema(where + "[]", oi, ni, request);

        var oldProps = Props(o);
        var newProps = Props(n);
        if (request)
        {
            var wasRequired = Required(o);
            foreach (var name in Required(n).Where(r => !wasRequired.Contains(r)))
                _found.Add($"{where}: field {name} is now required");
        }
        foreach (var (name, os) in oldProps)
        {
            if (!newProps.TryGetValue(name, out var ns))
            {
                if (!request) _found.Add($"{where}: field {name} was removed");
                continue;
            }
            Schema($"{where}.{name}", os, ns, request);
        }
    }

    private static (JsonElement Schema, string? Ref) Resolve(JsonElement doc, JsonElement schema)
    {
        string? first = null;
        for (var hops = 0; hops < 16 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var r); hops++)
        {
            var name = r.GetString()!;
            first ??= name;
            var target = doc;
            foreach (var part in name.TrimStart('#', '/').Split('/')) target = target.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
            schema = target;
        }
        return (schema, first);
    }

    private static HashSet<string> Types(JsonElement s)
    {
        if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("type", out var t)) return [];
        return t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(x => x.GetString()!)] : [t.GetString()!];
    }

    private static Dictionary<string, JsonElement> Props(JsonElement s) =>
        s.ValueKind == JsonValueKind.Object && s.TryGetProperty("properties", out var p) ? p.EnumerateObject().ToDictionary(x => x.Name, x => x.Value) : [];

    private static HashSet<string> Required(JsonElement s) =>
        s.ValueKind == JsonValueKind.Object && s.TryGetProperty("required", out var r) ? [.. r.EnumerateArray().Select(x => x.GetString()!)] : [];
}
