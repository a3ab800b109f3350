"""The demo account's monitoring, compute, edge and identity services (seeded into moto only, inside
`demo_environment()`), each with a realistic gap and a clean twin."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from evidence_tracer.sources.aws.demo_account import DEMO_ACCOUNT


def seed_monitoring(s: Any) -> None:
    logs = s.client("logs", region_name="us-east-1")
    logs.create_log_group(logGroupName="cloudtrail")
    logs.put_retention_policy(logGroupName="cloudtrail", retentionInDays=400)
    logs.create_log_group(logGroupName="/aws/lambda/acme-api")
    logs.put_retention_policy(logGroupName="/aws/lambda/acme-api", retentionInDays=14)  # shorter than policy
    s.client("cloudtrail", region_name="us-east-1").update_trail(
        Name="org-audit-trail",
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{DEMO_ACCOUNT}:log-group:cloudtrail:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{DEMO_ACCOUNT}:role/cloudtrail-to-logs",
    )
    sns = s.client("sns", region_name="us-east-1")
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@acme.example")
    watched = {
        "root_sign_in": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }',
        "iam_policy_changes": "{ ($.eventName = PutUserPolicy) || ($.eventName = AttachRolePolicy) }",
    }
    cw = s.client("cloudwatch", region_name="us-east-1")
    for name, pattern in watched.items():
        logs.put_metric_filter(
            logGroupName="cloudtrail",
            filterName=name,
            filterPattern=pattern,
            metricTransformations=[{"metricName": name, "metricNamespace": "Security", "metricValue": "1"}],
        )
        actions = [topic] if name == "root_sign_in" else []  # the IAM alarm notifies nobody: a gap
        cw.put_metric_alarm(
            AlarmName=name,
            MetricName=name,
            Namespace="Security",
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=actions,
        )
    config = s.client("config", region_name="us-east-1")
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{DEMO_ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "acme-cloudtrail-logs"})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    s.client("securityhub", region_name="us-east-1").enable_security_hub()


def seed_compute(s: Any) -> None:
    ec2 = s.client("ec2", region_name="us-east-1")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::acme-cloudtrail-logs",
    )
    image = ec2.register_image(Name="acme-base", RootDeviceName="/dev/xvda")["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
    )
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"},
    )  # IMDSv1: a gap
    west = s.client("ec2", region_name="us-west-2")  # a VPC with a workload and no flow logs: a gap
    west_image = west.register_image(Name="acme-base", RootDeviceName="/dev/xvda")["ImageId"]
    west.run_instances(
        ImageId=west_image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"},
    )
    ecr = s.client("ecr", region_name="us-east-1")
    ecr.create_repository(repositoryName="acme-api", imageScanningConfiguration={"scanOnPush": True})
    ecr.create_repository(repositoryName="acme-legacy-worker")  # no scan on push: a gap


def _certificate(days: int, domain: str) -> tuple[bytes, bytes]:
    """A self-signed certificate valid for `days` more days (imported into moto's ACM)."""
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=300))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


def seed_edge(s: Any) -> None:
    acm = s.client("acm", region_name="us-east-1")
    certs = {}
    for domain, days in (("app.acme.example", 200), ("legacy.acme.example", 12)):  # 12 days left: a gap
        body, key = _certificate(days, domain)
        certs[domain] = acm.import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"]
    ec2 = s.client("ec2", region_name="us-east-1")
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
    subnets = [sn["SubnetId"] for sn in ec2.describe_subnets(Filters=in_vpc)["Subnets"]]
    elb = s.client("elbv2", region_name="us-east-1")
    balancers = (
        ("acme-app", "app.acme.example", True, "ELBSecurityPolicy-TLS13-1-2-2021-06"),
        ("acme-legacy", "legacy.acme.example", False, "ELBSecurityPolicy-2016-08"),
    )  # a gap
    for name, domain, redirect, policy in balancers:
        lb = elb.create_load_balancer(Name=name, Subnets=subnets[:2], Scheme="internet-facing", Type="application")[
            "LoadBalancers"
        ][0]["LoadBalancerArn"]
        tg = elb.create_target_group(Name=f"{name}-tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0][
            "TargetGroupArn"
        ]
        forward = [{"Type": "forward", "TargetGroupArn": tg}]
        http_action = (
            [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
            if redirect
            else forward
        )
        elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=http_action)
        elb.create_listener(
            LoadBalancerArn=lb,
            Protocol="HTTPS",
            Port=443,
            SslPolicy=policy,
            Certificates=[{"CertificateArn": certs[domain]}],
            DefaultActions=forward,
        )
    iam = s.client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
            ],
        }
    )
    role = iam.create_role(RoleName="acme-lambda", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    lam = s.client("lambda", region_name="us-east-1")
    for name in ("acme-webhook", "acme-thumbnailer"):
        lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": _zip()}
        )
    lam.add_permission(
        FunctionName="acme-webhook", StatementId="anyone", Action="lambda:InvokeFunction", Principal="*"
    )  # invocable by everyone: a gap
    lam.create_function_url_config(FunctionName="acme-webhook", AuthType="NONE")


def seed_identity_center(s: Any) -> None:
    sso = s.client("sso-admin", region_name="us-east-1")
    instance = sso.list_instances()["Instances"][0]
    store = s.client("identitystore", region_name="us-east-1")
    ids = {}
    for user, display in (("alice@acme.example", "Alice Founder"), ("erin@acme.example", "Erin Engineer")):
        ids[user] = store.create_user(
            IdentityStoreId=instance["IdentityStoreId"],
            UserName=user,
            DisplayName=display,
            Name={"GivenName": display.split()[0], "FamilyName": display.split()[1]},
            Emails=[{"Value": user, "Primary": True}],
        )["UserId"]
    admin = sso.create_permission_set(Name="AdministratorAccess", InstanceArn=instance["InstanceArn"])["PermissionSet"][
        "PermissionSetArn"
    ]
    sso.create_account_assignment(
        InstanceArn=instance["InstanceArn"],
        TargetId=DEMO_ACCOUNT,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=admin,
        PrincipalType="USER",
        PrincipalId=ids["alice@acme.example"],
    )


def _zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def seed_platform(s: Any, account: str) -> None:
    """Kubernetes and a warehouse: a public EKS endpoint open to everyone and a public, unencrypted Redshift
    cluster (gaps), each beside a clean twin."""
    eks = s.client("eks", region_name="us-east-1")
    role = f"arn:aws:iam::{account}:role/eks-cluster"
    for name, public in (("acme-prod", True), ("acme-internal", False)):
        eks.create_cluster(
            name=name,
            roleArn=role,
            resourcesVpcConfig={
                "subnetIds": ["subnet-0a1b2c3d"],
                "endpointPublicAccess": public,
                "endpointPrivateAccess": True,
                **({"publicAccessCidrs": ["0.0.0.0/0"]} if public else {}),
            },
        )
    redshift = s.client("redshift", region_name="us-east-1")
    for name, public, encrypted in (("acme-analytics-dw", True, False), ("acme-warehouse", False, True)):
        redshift.create_cluster(
            ClusterIdentifier=name,
            NodeType="ra3.xlplus",
            MasterUsername="admin",
            MasterUserPassword="Demo-Passw0rd-Not-Real",
            PubliclyAccessible=public,
            Encrypted=encrypted,
        )


def seed_apis_and_documents(s: Any, account: str) -> None:
    """An API stage with no access log (a gap) beside logged ones; an SSM document shared with every account (a
    gap) beside a private one."""
    log_group = f"arn:aws:logs:us-east-1:{account}:log-group:/aws/apigateway/acme"
    rest = s.client("apigateway", region_name="us-east-1")
    for name, logged in (("acme-orders", False), ("acme-billing", True)):
        api = rest.create_rest_api(name=name)["id"]
        root = next(r["id"] for r in rest.get_resources(restApiId=api)["items"] if r["path"] == "/")
        rest.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
        rest.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
        rest.create_deployment(restApiId=api, stageName="prod")
        if logged:
            rest.update_stage(
                restApiId=api,
                stageName="prod",
                patchOperations=[{"op": "replace", "path": "/accessLogSettings/destinationArn", "value": log_group}],
            )
    http = s.client("apigatewayv2", region_name="us-east-1")
    api_id = http.create_api(Name="acme-hooks", ProtocolType="HTTP")["ApiId"]
    http.create_stage(ApiId=api_id, StageName="$default", AccessLogSettings={"DestinationArn": log_group})
    ssm = s.client("ssm", region_name="us-east-1")
    content = json.dumps({"schemaVersion": "2.2", "description": "demo", "mainSteps": [
        {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["echo ok"]}}]})  # fmt: skip
    for name, public in (("acme-setup", True), ("acme-runbook", False)):
        ssm.create_document(Content=content, Name=name, DocumentType="Command")
        if public:
            ssm.modify_document_permission(Name=name, PermissionType="Share", AccountIdsToAdd=["All"])


def seed_edge_and_search(s: Any) -> None:
    """A distribution that still serves plain HTTP on the default certificate and an OpenSearch domain open to
    everyone without encryption (gaps), each beside a clean twin."""
    cloudfront = s.client("cloudfront", region_name="us-east-1")
    for name, secure in (("acme-legacy-site", False), ("acme-app", True)):
        behaviour = {
            "TargetOriginId": "origin",
            "ViewerProtocolPolicy": "redirect-to-https" if secure else "allow-all",
            "MinTTL": 0,
            "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
        }
        certificate = (
            {"ACMCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/demo", "SSLSupportMethod": "sni-only",
             "MinimumProtocolVersion": "TLSv1.2_2021", "CloudFrontDefaultCertificate": False}
            if secure
            else {"CloudFrontDefaultCertificate": True}
        )  # fmt: skip
        cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": name,
                "Comment": name,
                "Enabled": True,
                "Origins": {"Quantity": 1, "Items": [{"Id": "origin", "DomainName": f"{name}.s3.amazonaws.com",
                                                       "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
                "DefaultCacheBehavior": behaviour,
                "ViewerCertificate": certificate,
            }
        )  # fmt: skip
    search = s.client("opensearch", region_name="us-east-1")
    open_policy = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "es:*"}]})
    search.create_domain(DomainName="acme-logs", AccessPolicies=open_policy)
    search.create_domain(
        DomainName="acme-search",
        EncryptionAtRestOptions={"Enabled": True},
        NodeToNodeEncryptionOptions={"Enabled": True},
        DomainEndpointOptions={"EnforceHTTPS": True},
    )
