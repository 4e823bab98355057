// The seeds' WordPress example on gluster storage: MySQL and WordPress, each keeping its data on
// a gluster volume through a pre-bound claim, with a Service in front of each.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GlusterPersistentVolume, kubernetesNameCollisions, type GlusterPersistentVolumeArgs, type GlusterVolume, type VolumeSource } from "pulumi-gluster";

export interface WordpressArgs {
    /** Namespace for everything; created by the program. */
    namespace: string;
    /** The volumes for MySQL's data and WordPress's files: GlusterVolumes or their outputs. */
    volumes: { mysql: GlusterVolume | pulumi.Input<VolumeSource>; wordpress: GlusterVolume | pulumi.Input<VolumeSource> };
    /** MySQL's root password, also WordPress's database password: a secret. */
    mysqlPassword: pulumi.Input<string>;
    /** How the claims reach gluster; see GlusterPersistentVolume. */
    storage?: Pick<GlusterPersistentVolumeArgs, "mode" | "workers" | "kubernetesVersion">;
    /** Wait for the Deployments to roll out and the Services to get endpoints (default true). */
    awaitRollout?: boolean;
    /** The container images; default the public mysql:8.0 and wordpress:6-apache. */
    images?: { mysql?: string; wordpress?: string };
    /** The containers' imagePullPolicy, e.g. "Never" for images loaded on the nodes beforehand. */
    imagePullPolicy?: string;
}

export interface WordpressOutputs {
    namespace: pulumi.Output<string>;
    wordpressService: pulumi.Output<string>;
    mysqlClaim: pulumi.Output<string | undefined>;
    wordpressClaim: pulumi.Output<string | undefined>;
}

const DEFAULT_IMAGES = { mysql: "mysql:8.0", wordpress: "wordpress:6-apache" } as const;

/** The app's objects, made with the default Kubernetes provider (the stack's kubernetes:* config). */
export function wordpressProgram(args: WordpressArgs): WordpressOutputs {
    // Without a kubelet and scheduler (as in this project's test API server) nothing rolls out.
    const annotations = args.awaitRollout === false ? { "pulumi.com/skipAwait": "true" } : undefined;
    // Both PVs are cluster-wide objects named after their volumes: two names that become one stop the preview.
    const volumeNames = (["mysql", "wordpress"] as const).map((app) => pulumi.output(args.volumes[app]).apply((volume) => pulumi.output(volume.volumeName)));
    const namespaceName = pulumi.all(volumeNames).apply((names) => {
        const [collision] = kubernetesNameCollisions(names, "volumes");
        if (collision !== undefined) {
            throw new Error(`wordpress: the mysql and wordpress volumes must differ in Kubernetes: ${collision.reason}`);
        }
        return args.namespace;
    });
    const namespace = new k8s.core.v1.Namespace("wordpress", { metadata: { name: namespaceName } });
    const ns = namespace.metadata.name;
    const inNamespace = { dependsOn: [namespace] };
    const claims = Object.fromEntries(
        (["mysql", "wordpress"] as const).map((app) => [
            app,
            new GlusterPersistentVolume(`${app}-data`, { volume: args.volumes[app], namespace: ns, claim: { name: `${app}-data` }, ...args.storage }, inNamespace),
        ]),
    ) as Record<"mysql" | "wordpress", GlusterPersistentVolume>;

    const secret = new k8s.core.v1.Secret("mysql", { metadata: { name: "mysql", namespace: ns }, stringData: { password: args.mysqlPassword } }, inNamespace);
    const password = { secretKeyRef: { name: secret.metadata.name, key: "password" } };

    const app = (name: string, image: string, port: number, env: k8s.types.input.core.v1.EnvVar[], mountPath: string, claim: GlusterPersistentVolume, after: pulumi.Resource[] = []) => {
        const labels = { app: name };
        const deployment = new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name, namespace: ns, labels, annotations },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: labels },
                    // One writer at a time on the data directory.
                    strategy: { type: "Recreate" },
                    template: {
                        metadata: { labels },
                        spec: {
                            containers: [
                                {
                                    name,
                                    image,
                                    imagePullPolicy: args.imagePullPolicy,
                                    env,
                                    ports: [{ containerPort: port }],
                                    // Ready once it serves: the rollout (and the Service's endpoints) wait for that, not for the process to start.
                                    readinessProbe: { tcpSocket: { port }, periodSeconds: 5 },
                                    volumeMounts: [{ name: "data", mountPath }],
                                },
                            ],
                            volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim.claimName.apply((claimName) => claimName!) } }],
                        },
                    },
                },
            },
            { dependsOn: [namespace, ...after] },
        );
        return new k8s.core.v1.Service(
            name,
            { metadata: { name, namespace: ns, labels, annotations }, spec: { selector: labels, ports: [{ port, targetPort: port }] } },
            { ...inNamespace, dependsOn: [namespace, deployment] },
        );
    };

    const images = { mysql: args.images?.mysql ?? DEFAULT_IMAGES.mysql, wordpress: args.images?.wordpress ?? DEFAULT_IMAGES.wordpress };
    const mysql = app("mysql", images.mysql, 3306, [{ name: "MYSQL_ROOT_PASSWORD", valueFrom: password }, { name: "MYSQL_DATABASE", value: "wordpress" }], "/var/lib/mysql", claims.mysql);
    const wordpress = app(
        "wordpress",
        images.wordpress,
        80,
        [
            // The Service's address as Kubernetes gives it to pods made after it: no cluster DNS needed.
            { name: "WORDPRESS_DB_HOST", value: "$(MYSQL_SERVICE_HOST)" },
            { name: "WORDPRESS_DB_USER", value: "root" },
            { name: "WORDPRESS_DB_PASSWORD", valueFrom: password },
        ],
        "/var/www/html",
        claims.wordpress,
        [mysql],
    );
    return { namespace: ns, wordpressService: wordpress.metadata.name, mysqlClaim: claims.mysql.claimName, wordpressClaim: claims.wordpress.claimName };
}
