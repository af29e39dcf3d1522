# syntax=docker/dockerfile:1
# The portal for a real AWS account: Production environment, Mode=Aws unless explicitly set otherwise.
# Build:  docker build -t bastion-portal .
# Run:    docker run -p 8080:8080 -v portal-data:/data \
#           -e Portal__Aws__Region=ap-northeast-1 \
#           -e Portal__Auth__Oidc__Authority=https://login.example.com/realms/ops \
#           -e Portal__Auth__Oidc__ClientId=bastion-portal -e Portal__Auth__Oidc__ClientSecret=... \
#           bastion-portal
# Credentials come from the AWS default chain: an ECS task role, EC2 instance profile, or AWS_* variables.
# Several replicas on PostgreSQL behind a load balancer: docs/DEPLOYMENT.md (with a compose file for two replicas).
# The first Admin's token, without a browser:
#   docker run --rm -e ... bastion-portal tokens issue --person alice --roles Admin,Approver --days 1

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# global.json pins the SDK for development machines; the image brings its own 10.0 SDK.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig appsettings.json ./
COPY Portal.Core/Portal.Core.csproj Portal.Core/
COPY Portal.Web/Portal.Web.csproj Portal.Web/
RUN dotnet restore Portal.Web/Portal.Web.csproj
COPY Portal.Core/ Portal.Core/
COPY Portal.Web/ Portal.Web/
RUN dotnet publish Portal.Web/Portal.Web.csproj -c Release -o /app --no-restore /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS=http://+:8080 \
    Urls=http://+:8080 \
    Portal__Aws__Mode=Aws \
    Portal__Database__DataDirectory=/data
RUN mkdir -p /data && chown app:app /data
COPY --from=build --chown=app:app /app ./
USER app
VOLUME ["/data"]
EXPOSE 8080
# /healthz checks the database and AWS (at most one AWS call per 30 s); the image has no curl, so the portal asks itself.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["dotnet", "Portal.Web.dll", "health", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["dotnet", "Portal.Web.dll"]
