using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Server.Api;
using CxContact.Server.Jobs;

namespace CxContact.Server.Lists;

/// <summary>Reads an import spec from JSON and validates it, naming each problem by its path under "spec".</summary>
public static class SpecParser
{
    public static ImportSpec? Parse(JsonElement json, FieldErrors errors, string path = "spec")
    {
        if (json.ValueKind != JsonValueKind.Object) { errors.Add(path, "must be a JSON object"); return null; }
        ImportSpec? spec;
        try { spec = json.Deserialize<ImportSpec>(ImportSpecJson.Options); }
        catch (JsonException e)
        {
            var at = e.Path is { Length: > 1 } p ? path + p.TrimStart('$') : path;
            errors.Add(at, e.Message.Contains("could not be mapped") ? "is not a field of an import spec" : "has the wrong type");
            return null;
        }
        if (spec is null) { errors.Add(path, "must be a JSON object"); return null; }
        errors.Merge(ImportSpecValidator.Validate(spec, path));
        return spec;
    }

    public static ImportSpec? Parse(string text, FieldErrors errors, string path = "spec")
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return Parse(doc.RootElement, errors, path);
        }
        catch (JsonException e)
        {
            errors.Add(path, $"is not valid JSON: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}");
            return null;
        }
    }
}
