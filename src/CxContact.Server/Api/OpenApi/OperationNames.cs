using System.Globalization;

namespace CxContact.Server.Api.OpenApi;

/// <summary>
/// An operationId from the method and the route, for the endpoints that do not name themselves (WithName): client
/// generators name their methods from it, so it reads like one. <c>GET /api/v1/contact-lists</c> is
/// <c>listContactLists</c>, <c>POST</c> to it <c>createContactList</c>, <c>GET …/contact-lists/{id}</c>
/// <c>getContactList</c>, <c>POST …/campaigns/{id}/start</c> <c>startCampaign</c>, and
/// <c>GET …/campaigns/{id}/stats</c> <c>getCampaignStats</c>. The names only change when a route does, and a route
/// change is a breaking change the contract test reports anyway.
/// </summary>
public static class OperationNames
{
    /// <summary>Last segments that name one thing or an action although they end in "s".</summary>
    private static readonly HashSet<string> NotCollections = new(StringComparer.Ordinal)
    {
        "stats", "status", "settings", "preload-status", "counts", "limits", "feeds-status", "metrics", "news", "analysis",
    };

    /// <summary>GETs whose last segment is what they do.</summary>
    private static readonly HashSet<string> ReadVerbs = new(StringComparer.Ordinal) { "export", "lookup" };

    public static string For(string method, string route)
    {
        var path = route.Split('?')[0].Trim('/');
        if (path.StartsWith("api/v1", StringComparison.Ordinal)) path = path["api/v1".Length..].Trim('/');
        var tokens = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var lastIsParameter = tokens.Length > 0 && IsParameter(tokens[^1]);
        var literals = new List<string>();
        for (var i = 0; i < tokens.Length; i++)
        {
            if (IsParameter(tokens[i])) continue;
            // A segment followed by a parameter names one of its kind: contact-lists/{id} is a contact list.
            var one = i + 1 < tokens.Length && IsParameter(tokens[i + 1]);
            literals.Add(one ? Singular(tokens[i]) : tokens[i]);
        }
        method = method.ToUpperInvariant();
        if (literals.Count == 0) return method.ToLowerInvariant() + "Root";
        if (lastIsParameter) return Verb(method, item: true) + Pascal(literals);

        var last = tokens[^1];
        var collection = last.EndsWith('s') && !NotCollections.Contains(last);
        if (collection)
        {
            if (method == "POST") return "create" + Pascal([.. literals[..^1], Singular(last)]);
            return (method == "GET" ? "list" : Verb(method, item: false)) + Pascal(literals);
        }
        // A trailing verb (start, preload, test, preview, ...) is the action on what precedes it; for a GET only the
        // reads that are verbs (export, lookup), since a GET of a singleton (me, stats, why) is a read of it.
        if ((method == "POST" || (method == "GET" && ReadVerbs.Contains(last))) && literals.Count > 1) return Camel(last) + Pascal(literals[..^1]);
        return Verb(method, item: true) + Pascal(literals);
    }

    private static string Verb(string method, bool item) => method switch
    {
        "GET" => "get",
        "PUT" => "replace",
        "PATCH" => "update",
        "DELETE" => "delete",
        "POST" => item ? "post" : "create",
        _ => method.ToLowerInvariant(),
    };

    private static bool IsParameter(string token) => token.StartsWith('{');

    private static string Singular(string word)
    {
        if (NotCollections.Contains(word) || word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal)) return word;
        if (word.EndsWith("ies", StringComparison.Ordinal)) return word[..^3] + "y";
        if (word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal))
            return word[..^2];
        return word.EndsWith('s') ? word[..^1] : word;
    }

    private static string Pascal(IEnumerable<string> words) =>
        string.Concat(words.SelectMany(w => w.Split('-', '_', '.')).Where(p => p.Length > 0)
            .Select(p => char.ToUpper(p[0], CultureInfo.InvariantCulture) + p[1..]));

    private static string Camel(string word)
    {
        var p = Pascal([word]);
        return p.Length == 0 ? p : char.ToLower(p[0], CultureInfo.InvariantCulture) + p[1..];
    }
}
