using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CxContact.Server.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CxContact.Server.Tests.Platform.Helm;

/// <summary>
/// helm/cxcontact read without helm: its templates and helpers as text, values.yaml as dotted paths and as JSON (the
/// shape helm hands to values.schema.json), and the server's source for the names the chart must match.
/// </summary>
internal static class HelmChart
{
    public static readonly string[] ServerRoles = ["api", "compliance", "campaign", "scheduler", "messaging"];
    public static readonly string[] AutoscaledRoles = ["compliance", "messaging"];

    public static readonly string RepoRoot = RepoPaths.Root;
    public static readonly string ChartDir = Path.Combine(RepoRoot, "helm", "cxcontact");

    // A template action, {{ ... }} with or without trim markers; comments included.
    public static readonly Regex ActionPattern = new(@"\{\{(.*?)\}\}", RegexOptions.Singleline);
    public static readonly Regex IncludePattern = new(@"\b(?:include|template)\s+""([^""]+)""");
    public static readonly Regex ValuesPathPattern = new(@"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)");
    public static readonly Regex ChartVariablePattern = new(@"\bCXC_[A-Z0-9_]+\b");
    public static readonly Regex EnvNamePattern = new(@"-\s+name:\s*(CXC_[A-Z0-9_]+)\s*$", RegexOptions.Multiline);
    private static readonly Regex ValuesKeyLine = new(@"^([A-Za-z0-9_-]+):(?:\s|$)");

    public static Dictionary<string, string> Templates()
    {
        var dir = Path.Combine(ChartDir, "templates");
        Assert.True(Directory.Exists(dir), $"{dir} is missing");
        return Directory.EnumerateFiles(dir)
            .Where(f => f.EndsWith(".yaml") || f.EndsWith(".tpl") || f.EndsWith(".txt"))
            .ToDictionary(f => Path.GetFileName(f), f => File.ReadAllText(f));
    }

    public static string Template(string name) => File.ReadAllText(Path.Combine(ChartDir, "templates", name));

    /// <summary>The templates that make pods: every Deployment, Job and Pod.</summary>
    public static Dictionary<string, string> PodTemplates() =>
        Templates().Where(t => Regex.IsMatch(t.Value, @"(?m)^kind:\s*(Deployment|Job|Pod|StatefulSet|DaemonSet)\s*$")).ToDictionary();

    /// <summary>The body of every {{ define "name" }} in _helpers.tpl, found by walking the template's blocks.</summary>
    public static Dictionary<string, string> Defines()
    {
        var text = Template("_helpers.tpl");
        var bodies = new Dictionary<string, string>();
        var open = new Stack<(string Keyword, string? Name, int BodyStart)>();
        foreach (Match action in ActionPattern.Matches(text))
        {
            var keyword = Keyword(action.Groups[1].Value);
            if (keyword is "if" or "range" or "with" or "block" or "define")
            {
                var name = keyword == "define" ? Regex.Match(action.Groups[1].Value, @"define\s+""([^""]+)""").Groups[1].Value : null;
                open.Push((keyword, name, action.Index + action.Length));
            }
            else if (keyword == "end")
            {
                Assert.True(open.Count > 0, $"_helpers.tpl: {{{{ end }}}} at {action.Index} closes nothing");
                var (opened, defined, start) = open.Pop();
                if (opened == "define") bodies[defined!] = text[start..action.Index];
            }
        }
        Assert.NotEmpty(bodies);
        return bodies;
    }

    /// <summary>The words of a helper whose body is a space-separated list ("cxcontact.autoscaledRoles").</summary>
    public static string[] WordList(string define) =>
        Defines()[define].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The text with the bodies of the helpers it includes appended, transitively.</summary>
    public static string WithIncludes(string text, Dictionary<string, string> defines)
    {
        var seen = new HashSet<string>();
        var all = text;
        var queue = new Queue<string>(IncludePattern.Matches(text).Select(m => m.Groups[1].Value));
        while (queue.TryDequeue(out var name))
        {
            if (!seen.Add(name) || !defines.TryGetValue(name, out var body)) continue;
            all += "\n" + body;
            foreach (Match m in IncludePattern.Matches(body)) queue.Enqueue(m.Groups[1].Value);
        }
        return all;
    }

    /// <summary>The first word of an action ("if", "end", "else", ...), or "" for a comment or an expression.</summary>
    public static string Keyword(string action)
    {
        var body = action.Trim().TrimStart('-').TrimEnd('-').Trim();
        if (body.StartsWith("/*")) return "";
        return Regex.Match(body, @"^([a-z]+)\b").Groups[1].Value;
    }

    /// <summary>
    /// values.yaml as dotted paths of its mapping keys ("roles.api.replicaCount"). Indentation only: keys inside
    /// list items are skipped (a list is a leaf), and any line that is neither a key, a comment nor a list item
    /// fails the test rather than being misread (so no block scalars in values.yaml).
    /// </summary>
    public static HashSet<string> ValuesPaths()
    {
        var paths = new HashSet<string>();
        var stack = new List<(int Indent, string Key)>();
        int? listIndent = null;
        var number = 0;
        foreach (var raw in File.ReadAllLines(Path.Combine(ChartDir, "values.yaml")))
        {
            number++;
            var trimmed = raw.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var indent = raw.Length - trimmed.Length;
            if (listIndent is { } li)
            {
                if (indent > li || (indent == li && trimmed.StartsWith('-'))) continue;
                listIndent = null;
            }
            if (trimmed.StartsWith('-'))
            {
                listIndent = indent;
                continue;
            }
            var key = ValuesKeyLine.Match(trimmed);
            Assert.True(key.Success, $"values.yaml:{number}: not a key, a comment or a list item: {raw}");
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            stack.Add((indent, key.Groups[1].Value));
            paths.Add(string.Join('.', stack.Select(s => s.Key)));
        }
        return paths;
    }

    // ---- values as JSON ----

    /// <summary>A YAML file of the chart (values.yaml, ci/...) as the JSON helm validates: plain scalars typed as YAML types them.</summary>
    public static JsonNode? Yaml(string relativePath)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(ChartDir, relativePath))) stream.Load(reader);
        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    /// <summary>
    /// The user's values over the chart's, as helm coalesces them: maps merge key by key, anything else replaces, and a
    /// null removes the key (that is how a role is left out).
    /// </summary>
    public static JsonObject Merge(JsonObject defaults, JsonObject? user)
    {
        var merged = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in user ?? [])
        {
            if (value is null) merged.Remove(key);
            else if (value is JsonObject o && merged[key] is JsonObject d) merged[key] = Merge(d, o);
            else merged[key] = value.DeepClone();
        }
        return merged;
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode s when s.Style is ScalarStyle.Plain => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonNode? Plain(string v) =>
        v is "" or "~" or "null" or "Null" or "NULL" ? null
        : v is "true" or "True" or "TRUE" ? JsonValue.Create(true)
        : v is "false" or "False" or "FALSE" ? JsonValue.Create(false)
        : Regex.IsMatch(v, @"^[-+]?[0-9]+$") ? JsonValue.Create(long.Parse(v))
        : Regex.IsMatch(v, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$") ? JsonValue.Create(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))
        : JsonValue.Create(v);

    // ---- the server as text ----

    /// <summary>Group 1 of every match of the pattern in src/CxContact.Server/**/*.cs (not bin/ or obj/).</summary>
    public static HashSet<string> ServerStringLiterals(string pattern) =>
        ServerSources().SelectMany(f => Regex.Matches(File.ReadAllText(f), pattern).Select(m => m.Groups[1].Value)).ToHashSet();

    public static IEnumerable<string> ServerSources()
    {
        var src = Path.Combine(RepoRoot, "src", "CxContact.Server");
        var sep = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}bin{sep}") && !f.Contains($"{sep}obj{sep}"));
    }
}
