namespace CxContact.Server.Platform.Hosting;

/// <summary>A configuration value that stops the server from starting; the message names the setting.</summary>
public sealed class InvalidSettingException(string setting, string problem)
    : Exception($"{setting}: {problem}")
{
    public string Setting { get; } = setting;
}
