namespace Portal.Tests.TestSupport;

/// <summary>Files of the repository the tests read (the docs' scripts and policies).</summary>
internal static class Repository
{
    /// <summary>The folder that holds Portal.sln, above the test binaries.</summary>
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test binaries.");
    }

    /// <summary>A file's path from the repository's root, such as <c>docs/IAM.md</c>.</summary>
    public static string File(string relative) => Path.Combine(Root(), relative);
}
