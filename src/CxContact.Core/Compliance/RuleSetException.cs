namespace CxContact.Core.Compliance;

/// <summary>A rule-set document that cannot be read; <see cref="Path"/> names the offending JSON node.</summary>
public sealed class RuleSetException : Exception
{
    public RuleSetException(string path, string problem)
        : base(path.Length == 0 ? problem : $"{path}: {problem}")
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }
    public string Problem { get; }

    /// <summary>The same error in the shape that <see cref="RuleSets.Validate"/> uses, for problem details.</summary>
    public Dictionary<string, string[]> ToErrors() => new() { [Path.Length == 0 ? "$" : Path] = [Problem] };
}
