package dev.lattice.cluster;

/** What a node does in the cluster. */
public enum NodeRole { PRIMARY, REPLICA }
