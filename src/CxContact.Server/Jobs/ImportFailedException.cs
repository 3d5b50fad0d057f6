namespace CxContact.Server.Jobs;

/// <summary>An import that cannot go on; the message is what the user sees as the import's error.</summary>
public sealed class ImportFailedException(string message) : Exception(message);
