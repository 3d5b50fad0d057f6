using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Api;

/// <summary>Collects every problem with a request body, by field, so one 400 names them all.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new();

    public bool Any => _errors.Count > 0;

    /// <summary>How many messages so far: a caller checking one item of a list compares before and after.</summary>
    public int Count => _errors.Values.Sum(l => l.Count);

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>A required, trimmed text of at most <paramref name="max"/> characters; returns it trimmed.</summary>
    public string Text(string field, string? value, int max = 200)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v)) Add(field, "is required");
        else if (v.Length > max) Add(field, $"is {v.Length} characters long; at most {max} are allowed");
        return v ?? "";
    }

    /// <summary>Adds another check's errors with their fields under <paramref name="prefix"/> (e.g. "action.").</summary>
    public void AddUnder(string prefix, FieldErrors other)
    {
        foreach (var (field, messages) in other._errors) foreach (var m in messages) Add(prefix + field, m);
    }

    public void Merge(IReadOnlyDictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors) foreach (var m in messages) Add(field, m);
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: "The request is not valid", detail: "See errors: each names a field and what is wrong with it.");
}
